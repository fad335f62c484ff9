import { da } from "./da";
import { en } from "./en";
import { sv } from "./sv";
import type { Lang, PublicMessages } from "./types";

export { FIELD_LABELS, type FieldLabel, type PublicMessages } from "./types";

/** The public page's words, one file per language (da.ts, sv.ts, en.ts): every language has every key. */
export const PUBLIC_MESSAGES: Record<Lang, PublicMessages> = { da, sv, en };
