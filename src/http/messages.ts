import { z } from "@hono/zod-openapi";
import type { $ZodRawIssue } from "zod/v4/core";

// Validation messages in the API's own words (English, the API's language): each names the field
// by its path in the request and says what is expected. A message a schema writes itself (a refine
// or an added issue) is kept as it is; zod asks this only for its own checks.

type Issue = $ZodRawIssue;

/** `annex.sub_processors[0].address.country` from a zod path. */
export function fieldName(path: readonly PropertyKey[]): string {
  let name = "";
  for (const key of path) name += typeof key === "number" ? `[${key}]` : `${name ? "." : ""}${String(key)}`;
  return name || "The value";
}

const quoted = (path: readonly PropertyKey[]) => (path.length ? `\`${fieldName(path)}\`` : "The value");

const kindOf = (value: unknown) =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : typeof value === "string" ? "a string" : `a ${typeof value}`;

const EXPECTED: Record<string, string> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "true or false",
  object: "an object",
  array: "an array",
  date: "a date",
  bigint: "an integer",
  null: "null",
};

const FORMATS: Record<string, string> = {
  email: "an e-mail address, such as dpo@kommune.example",
  url: "an absolute URL, such as https://example.com/path",
  datetime: "a date and time in ISO 8601 with a zone, such as 2026-03-01T09:00:00Z",
  date: "a date in ISO 8601, such as 2026-03-01",
  time: "a time in ISO 8601, such as 09:00:00",
  uuid: "a UUID",
  duration: "an ISO 8601 duration, such as P30D",
};

const plural = (n: number | bigint, word: string) => `${n} ${word}${Number(n) === 1 ? "" : "s"}`;

function sizeRule(issue: Issue & { code: "too_small" | "too_big" }) {
  const small = issue.code === "too_small";
  const limit = small ? issue.minimum : issue.maximum;
  const bound = issue.inclusive === false ? (small ? "more than" : "less than") : small ? "at least" : "at most";
  switch (issue.origin) {
    case "string":
      return small && Number(limit) === 1 && issue.inclusive !== false ? "must not be empty" : `must be ${bound} ${plural(limit as number, "character")} long`;
    case "array":
    case "set":
      return small && Number(limit) === 1 && issue.inclusive !== false ? "must have at least one item" : `must have ${bound} ${plural(limit as number, "item")}`;
    case "date":
      return `must be ${small ? "on or after" : "on or before"} ${new Date(Number(limit)).toISOString()}`;
    default:
      return `must be ${bound} ${String(limit)}`;
  }
}

/** The message of one of zod's own issues, or undefined to keep a schema's own message. */
export function validationMessage(issue: Issue): string | undefined {
  const field = quoted(issue.path ?? []);
  switch (issue.code) {
    case "invalid_type":
      if (issue.input === undefined) return `${field} is required.`;
      if (issue.expected === "int" && typeof issue.input === "number") return `${field} must be a whole number, not ${issue.input}.`;
      return `${field} must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${kindOf(issue.input)}.`;
    case "too_small":
    case "too_big":
      return `${field} ${sizeRule(issue)}.`;
    case "invalid_format":
      if (issue.format === "regex" && "pattern" in issue) return `${field} must match the pattern ${String(issue.pattern)}.`;
      if (issue.format === "starts_with" && "prefix" in issue) return `${field} must start with "${String(issue.prefix)}".`;
      return `${field} must be ${FORMATS[issue.format] ?? `in the ${issue.format} format`}.`;
    case "invalid_value":
      return issue.values.length === 1
        ? `${field} must be ${JSON.stringify(issue.values[0])}.`
        : `${field} must be one of ${issue.values.map((v: unknown) => JSON.stringify(v)).join(", ")}.`;
    case "not_multiple_of":
      return `${field} must be a multiple of ${String(issue.divisor)}.`;
    case "unrecognized_keys":
      return `${issue.keys.map((k: string) => `\`${k}\``).join(", ")} ${issue.keys.length === 1 ? "is not a field" : "are not fields"} of ${field === "The value" ? "this object" : field}.`;
    case "invalid_union":
      return `${field} matches none of the forms this field accepts; see the operation's schema.`;
    case "invalid_key":
      return `${field} has a key that is not allowed.`;
    case "invalid_element":
      return `${field} has an entry that is not valid.`;
    case "custom":
      return issue.message ? undefined : `${field} is not valid.`;
    default:
      return undefined;
  }
}

z.config({ customError: validationMessage });
