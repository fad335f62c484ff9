// What the Worker bundle has in place of zod's `z.fromJSONSchema` (wrangler.toml [alias]): the register
// writes JSON Schemas (`z.toJSONSchema`, kept) and never reads one into a zod schema.

export function fromJSONSchema(): never {
  throw new Error("z.fromJSONSchema is not in the Worker bundle (wrangler.toml [alias])");
}
