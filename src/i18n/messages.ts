import { da } from "./da";
import { en } from "./en";
import { sv } from "./sv";
import type { Lang, Messages } from "./types";

export { type ConsoleMessages, LANGS, type Lang, LOCALES, type Messages } from "./types";

/** The one message catalogue, one file per language (da.ts, sv.ts, en.ts): every language has every key. */
export const MESSAGES: Record<Lang, Messages> = { da, sv, en };
