import type { z } from "zod";
import { EXAMPLE_IDS, listExample } from "../examples";
import type { InviteUserBody, UpdateUserBody, User } from "./users.schemas";

const mette = { id: EXAMPLE_IDS.mette, name: "Mette Hansen", email: "mette.hansen@aarhus.example" };

/** The municipality's data protection adviser, its first admin: the operator invited her. */
export const adminExample: z.output<typeof User> = {
  object: "user",
  id: EXAMPLE_IDS.mette,
  organisation_id: EXAMPLE_IDS.aarhus,
  email: "mette.hansen@aarhus.example",
  name: "Mette Hansen",
  role: "admin",
  language: "da",
  notices: null,
  status: "active",
  source: "invitation",
  invited_by: null,
  created_at: "2026-09-02T07:30:00.000Z",
  last_sign_in_at: "2026-11-20T10:05:00.000Z",
};

export const inviteUserExample: z.input<typeof InviteUserBody> = { email: "jonas.poulsen@aarhus.example", name: "Jonas Poulsen", role: "decider", language: "da" };

/** Invited by the admin: he has not signed in yet. */
export const invitedUserExample: z.output<typeof User> = {
  object: "user",
  id: EXAMPLE_IDS.jonas,
  organisation_id: EXAMPLE_IDS.aarhus,
  email: "jonas.poulsen@aarhus.example",
  name: "Jonas Poulsen",
  role: "decider",
  language: "da",
  notices: null,
  status: "invited",
  source: "invitation",
  invited_by: mette,
  created_at: "2026-09-03T11:00:00.000Z",
  last_sign_in_at: null,
};

export const inviteFirstAdminExample: z.input<typeof InviteUserBody> = { email: "mette.hansen@aarhus.example", name: "Mette Hansen", role: "admin", language: "da" };

export const invitedAdminExample: z.output<typeof User> = { ...adminExample, status: "invited", last_sign_in_at: null };

export const userListExample = listExample([invitedUserExample, adminExample]);

export const updateUserExample: z.input<typeof UpdateUserBody> = { role: "viewer", notices: ["annex.version_created", "agreement.amended", "decision.overdue"] };

export const updatedUserExample: z.output<typeof User> = {
  ...invitedUserExample,
  role: "viewer",
  notices: ["annex.version_created", "agreement.amended", "decision.overdue"],
};
