import { AppError } from "../domain/errors";
import type { Person, Role } from "../domain/people";

/** A person acting: who they were at the time, and their role. */
export type ActingUser = Person & { role: Role };

/**
 * Who is acting: the operator or one organisation, through one key or as one signed-in person
 * (then `user` names them and `keyId` is null); or the service itself. Every audit record names it.
 */
export type Actor =
  | { kind: "operator"; keyId: string; keyPrefix: string }
  | { kind: "organisation"; organisationId: string; keyId: string | null; keyPrefix: string | null; scope: "read" | "write"; user?: ActingUser }
  | { kind: "system"; keyId: null; keyPrefix: null; name: "scheduler" | "relay" | "mailer" };

/** The service acting by itself: the scheduler's sweeps, the relay's disabling of an endpoint. */
export const SCHEDULER: Actor = { kind: "system", keyId: null, keyPrefix: null, name: "scheduler" };
export const RELAY: Actor = { kind: "system", keyId: null, keyPrefix: null, name: "relay" };
export const MAILER: Actor = { kind: "system", keyId: null, keyPrefix: null, name: "mailer" };

/** The person a user row names, with their role: what an actor signed in as this user carries. */
export const actingUser = (r: ActingUser): ActingUser => ({ id: r.id, name: r.name, email: r.email, role: r.role });

/** The person an actor names, if any: what decisions, amendments and requests record as made by. */
export const personOf = (actor: Actor): Person | null =>
  actor.kind === "organisation" && actor.user ? { id: actor.user.id, name: actor.user.name, email: actor.user.email } : null;

/** The calling organisation; the operator key gets 403 (it manages, it never reads an annex or decides). */
export function requireOrganisation(actor: Actor): string {
  if (actor.kind !== "organisation") throw new AppError("forbidden", "The operator key manages organisations and keys; use an organisation's key for this.");
  return actor.organisationId;
}

export function requireOperator(actor: Actor): void {
  if (actor.kind !== "operator") throw new AppError("forbidden", "Only the operator key may do this.");
}
