/** A person as records name them: who it was at the time (a later change of name or address does not rewrite history). */
export interface Person {
  id: string;
  name: string | null;
  email: string;
}

/** The roles of a user, each including the one after it: an admin may decide, a decider may read (docs/rules.md, "People and sign-in"). */
export const ROLES = ["admin", "decider", "viewer"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { viewer: 0, decider: 1, admin: 2 };

/** Whether a role may do what `needed` may. */
export const roleAllows = (role: Role, needed: Role) => RANK[role] >= RANK[needed];

/** Lower case, trimmed: the one form addresses are stored and compared in. */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** The domain of an address, lower case. */
export const emailDomain = (email: string) => normaliseEmail(email).split("@").at(-1) ?? "";
