import { da } from "./da";
import { en } from "./en";
import { sv } from "./sv";
import type { Lang, MailMessages } from "./types";

export type { About, ConsoleRole, MailMessages } from "./types";

/** The e-mails' words, one file per language (da.ts, sv.ts, en.ts): every language has every key. */
export const MAIL_MESSAGES: Record<Lang, MailMessages> = { da, sv, en };
