import { z } from "@hono/zod-openapi";
import { NOTICE_KINDS } from "../../domain/notices";
import { ROLES } from "../../domain/people";
import { PersonRef, text, Timestamp } from "../../http/schemas";

const Role = z.enum(ROLES).openapi({
  description:
    "admin: manages people, keys, endpoints and the public page, and decides; decider: approves, objects, amends the instruction (processor: submits and withdraws); viewer: reads",
});
const Language = z.enum(["da", "sv", "en"]);
const Notices = z.array(z.enum(NOTICE_KINDS)).openapi({ description: "The notices the person gets by e-mail; null: the defaults of the role" });

export const User = z
  .object({
    object: z.literal("user"),
    id: z.string().openapi({ example: "usr_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
    organisation_id: z.string(),
    email: z.string().openapi({ example: "dpo@kommune.example" }),
    name: z.string().nullable(),
    role: Role,
    language: Language.nullable().openapi({ description: "The language of the person's e-mails; null: from the organisation's country" }),
    notices: Notices.nullable(),
    status: z.enum(["invited", "active", "deactivated"]).openapi({ description: "invited: has not signed in yet; deactivated: can no longer sign in, history kept" }),
    source: z.enum(["invitation", "sso"]),
    invited_by: PersonRef.nullable(),
    created_at: Timestamp,
    last_sign_in_at: Timestamp.nullable(),
  })
  .openapi("User");

export const InviteUserBody = z
  .strictObject({
    email: z.email().max(254).openapi({ example: "dpo@kommune.example" }),
    name: text(200).optional(),
    role: Role,
    language: Language.optional(),
  })
  .openapi("InviteUser");

export const UpdateUserBody = z
  .strictObject({
    name: text(200).optional(),
    role: Role.optional(),
    status: z.enum(["active", "deactivated"]).optional().openapi({ description: "deactivated: ends the person's sessions and keys; active: lets them sign in again" }),
    language: Language.nullable().optional(),
    notices: Notices.nullable().optional(),
  })
  .openapi("UpdateUser");

export const UserIdParam = z.object({
  user_id: z.string().openapi({ param: { name: "user_id", in: "path" }, example: "usr_01JD6Z3K8Q9V2W4X6Y8Z0A1B2C" }),
});
