import { AppError } from "../domain/errors";

/** Who is acting: the operator or one organisation, through one key; or the service itself. Every audit record names it. */
export type Actor =
  | { kind: "operator"; keyId: string; keyPrefix: string }
  | { kind: "organisation"; organisationId: string; keyId: string; keyPrefix: string; scope: "read" | "write" }
  | { kind: "system"; keyId: null; keyPrefix: null; name: "scheduler" | "relay" };

/** The service acting by itself: the scheduler's sweeps, the relay's disabling of an endpoint. */
export const SCHEDULER: Actor = { kind: "system", keyId: null, keyPrefix: null, name: "scheduler" };
export const RELAY: Actor = { kind: "system", keyId: null, keyPrefix: null, name: "relay" };

/** The calling organisation; the operator key gets 403 (it manages, it never reads an annex or decides). */
export function requireOrganisation(actor: Actor): string {
  if (actor.kind !== "organisation") throw new AppError("forbidden", "The operator key manages organisations and keys; use an organisation's key for this.");
  return actor.organisationId;
}

export function requireOperator(actor: Actor): void {
  if (actor.kind !== "operator") throw new AppError("forbidden", "Only the operator key may do this.");
}
