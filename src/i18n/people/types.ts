import type { NoticeKind } from "../../domain/notices";
import type { Role } from "../../domain/people";

/** The console's words for people: signing in, the organisation's people, one's own notices. */
export interface PeopleMessages {
  sign_in_intro: string;
  email: string;
  send_link: string;
  /** the one answer to a request for a link, whether or not the address has an account */
  link_sent: string;
  link_limited: string;
  sso_heading: string;
  sso_intro: string;
  sso_continue: string;
  sso_unavailable: string;
  sso_failed: string;
  link_intro: (email: string, org: string) => string;
  invitation_intro: (email: string, org: string) => string;
  link_continue: string;
  link_invalid: string;
  ask_again: string;
  signed_in_as: (person: string, org: string) => string;
  read_only: string;
  nav_people: string;
  nav_account: string;
  people_title: string;
  col_name: string;
  col_email: string;
  col_role: string;
  col_status: string;
  col_last_sign_in: string;
  role: Record<Role, string>;
  role_hint: Record<Role, string>;
  status: Record<"invited" | "active" | "deactivated", string>;
  invite_title: string;
  invite_submit: string;
  name: string;
  language: string;
  language_default: string;
  change_role: string;
  deactivate: string;
  reactivate: string;
  done: Record<"invited" | "updated" | "saved", string>;
  last_admin: string;
  address_taken: string;
  account_title: string;
  notices_legend: string;
  notices_hint: string;
  notice: Record<NoticeKind, string>;
  save: string;
  unsubscribe_title: string;
  unsubscribe_confirm: (kind: string) => string;
  unsubscribe_button: string;
  unsubscribed: (kind: string) => string;
}
