import type { Lang } from "../types";
import { da } from "./da";
import { en } from "./en";
import { sv } from "./sv";
import type { PeopleMessages } from "./types";

export type { PeopleMessages };

/** The people words per language: every key in every language (a missing one is a type error). */
export const PEOPLE: Record<Lang, PeopleMessages> = { da, sv, en };
