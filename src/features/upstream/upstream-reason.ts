import type { ObjectionGround } from "../../domain/decisions";

/** One controller's objection as it goes upstream. */
export interface DownstreamObjection {
  controllerName: string;
  /** the controller agreed that its reason goes upstream under its name (docs/rules.md, rule 14) */
  share: boolean;
  ground: ObjectionGround | null;
  reason: string | null;
}

/**
 * The reason of an objection sent upstream (docs/rules.md, rule 14): the processor's own, then each
 * objecting controller's ground and reason, in the order given (the decisions' order, so stable),
 * named only where that controller agreed, otherwise "Controller 1", "Controller 2"… numbered
 * among the unnamed ones.
 */
export function composeUpstreamReason(own: string, objections: DownstreamObjection[]): string {
  if (!objections.length) return own;
  let unnamed = 0;
  const lines = objections.map((o) => {
    const who = o.share ? o.controllerName : `Controller ${++unnamed}`;
    return `- ${who} (${o.ground ?? "other"}): ${o.reason ?? ""}`.trimEnd();
  });
  return `${own}\n\nObjections of our controllers:\n${lines.join("\n")}`;
}
