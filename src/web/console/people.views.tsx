import type { FC } from "hono/jsx";
import { NOTICE_KINDS, type NoticeKind } from "../../domain/notices";
import { ROLES } from "../../domain/people";
import { formatDate } from "../../i18n/format";
import { PEOPLE } from "../../i18n/people";
import type { presentUser } from "../../features/users/users.service";
import { Csrf, Layout, type Page, t } from "./console.views";

type UserView = ReturnType<typeof presentUser>;
const p_ = (p: Page) => PEOPLE[p.lang];

/** Signing in: a link by e-mail, or the organisation's single sign-on. The same answer whatever the address. */
export const SignInPage: FC<Page & { error?: string; sent?: boolean; sso?: boolean; back?: string }> = (p) => {
  const m = p_(p);
  const c = t(p.lang);
  return (
    <Layout {...p} title={c.sign_in}>
      <h1>{c.sign_in}</h1>
      {p.sent ? (
        <p class="done" role="status">
          {m.link_sent}
        </p>
      ) : null}
      {p.error ? (
        <p id="sign-in-error" class="error" role="alert">
          {p.error}
        </p>
      ) : null}
      <form class="action" method="post" action="/console/sign-in">
        {p.back ? <input type="hidden" name="back" value={p.back} /> : null}
        <p id="email-hint">{m.sign_in_intro}</p>
        <label for="email">{m.email}</label>
        <input id="email" name="email" type="email" autocomplete="email" required spellcheck={false} aria-describedby="email-hint" />
        <button type="submit">{m.send_link}</button>
      </form>
      {p.sso ? (
        <form class="action" method="post" action="/console/sso/start">
          <h2>{m.sso_heading}</h2>
          <p id="sso-hint">{m.sso_intro}</p>
          <label for="sso-email">{m.email}</label>
          <input id="sso-email" name="email" type="email" autocomplete="email" required spellcheck={false} aria-describedby="sso-hint" />
          <button type="submit">{m.sso_continue}</button>
        </form>
      ) : null}
    </Layout>
  );
};

/** What a link opens: who it signs in, and a button; a mail scanner that follows the link uses nothing. */
export const LinkPage: FC<Page & { token: string; next?: string; email: string; organisation: string; invitation: boolean }> = (p) => {
  const m = p_(p);
  return (
    <Layout {...p} title={t(p.lang).sign_in}>
      <h1>{t(p.lang).sign_in}</h1>
      <form class="action" method="post" action="/console/sign-in/link">
        <p>{p.invitation ? m.invitation_intro(p.email, p.organisation) : m.link_intro(p.email, p.organisation)}</p>
        <input type="hidden" name="token" value={p.token} />
        {p.next ? <input type="hidden" name="next" value={p.next} /> : null}
        <button type="submit">{m.link_continue}</button>
      </form>
    </Layout>
  );
};

export const LinkInvalidPage: FC<Page> = (p) => (
  <Layout {...p} title={t(p.lang).sign_in}>
    <h1>{t(p.lang).sign_in}</h1>
    <p class="error" role="alert">
      {p_(p).link_invalid}
    </p>
    <p>
      <a href="/console/sign-in">{p_(p).ask_again}</a>
    </p>
  </Layout>
);

const Done: FC<{ text?: string }> = ({ text }) =>
  text ? (
    <p class="done" role="status">
      {text}
    </p>
  ) : null;

/** The organisation's people, for its admins: roles, status, invitations. */
export const PeoplePage: FC<Page & { users: UserView[]; selfId: string; done?: string; error?: string }> = (p) => {
  const m = p_(p);
  const csrf = p.session!.csrfToken;
  return (
    <Layout {...p} title={m.people_title}>
      <h1>{m.people_title}</h1>
      <Done text={p.done} />
      {p.error ? (
        <p class="error" role="alert">
          {p.error}
        </p>
      ) : null}
      <table>
        <thead>
          <tr>
            <th scope="col">{m.col_name}</th>
            <th scope="col">{m.col_email}</th>
            <th scope="col">{m.col_role}</th>
            <th scope="col">{m.col_status}</th>
            <th scope="col">{m.col_last_sign_in}</th>
          </tr>
        </thead>
        <tbody>
          {p.users.map((u) => (
            <tr>
              <th scope="row">{u.name ?? u.email}</th>
              <td data-label={m.col_email}>{u.email}</td>
              <td data-label={m.col_role}>
                {u.id === p.selfId ? (
                  m.role[u.role]
                ) : (
                  <form class="inline" method="post" action={`/console/people/${u.id}`}>
                    <Csrf token={csrf} />
                    <label for={`role-${u.id}`} class="visually-hidden">
                      {`${m.change_role}: ${u.email}`}
                    </label>
                    <select id={`role-${u.id}`} name="role">
                      {ROLES.map((r) => (
                        <option value={r} selected={r === u.role}>
                          {m.role[r]}
                        </option>
                      ))}
                    </select>{" "}
                    <button type="submit" class="secondary">
                      {m.change_role}
                    </button>
                  </form>
                )}
              </td>
              <td data-label={m.col_status}>
                {m.status[u.status]}
                {u.id === p.selfId ? null : (
                  <form class="inline" method="post" action={`/console/people/${u.id}`}>
                    <Csrf token={csrf} />
                    <input type="hidden" name="status" value={u.status === "deactivated" ? "active" : "deactivated"} />{" "}
                    <button type="submit" class="secondary" aria-label={`${u.status === "deactivated" ? m.reactivate : m.deactivate}: ${u.email}`}>
                      {u.status === "deactivated" ? m.reactivate : m.deactivate}
                    </button>
                  </form>
                )}
              </td>
              <td data-label={m.col_last_sign_in}>{u.last_sign_in_at ? formatDate(new Date(u.last_sign_in_at), p.lang) : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="action" method="post" action="/console/people">
        <h2>{m.invite_title}</h2>
        <Csrf token={csrf} />
        <label for="invite-email">{m.email}</label>
        <input id="invite-email" name="email" type="email" autocomplete="off" required spellcheck={false} />
        <label for="invite-name">{m.name}</label>
        <input id="invite-name" name="name" type="text" autocomplete="off" />
        <fieldset>
          <legend>{m.col_role}</legend>
          {ROLES.map((r) => (
            <label class="choice">
              <input type="radio" name="role" value={r} checked={r === "decider"} /> {`${m.role[r]} – ${m.role_hint[r]}`}
            </label>
          ))}
        </fieldset>
        <button type="submit">{m.invite_submit}</button>
      </form>
    </Layout>
  );
};

/** One's own notices and the language they come in. */
export const AccountPage: FC<Page & { user: UserView; chosen: readonly NoticeKind[]; done?: string }> = (p) => {
  const m = p_(p);
  return (
    <Layout {...p} title={m.account_title}>
      <h1>{m.account_title}</h1>
      <Done text={p.done} />
      <form class="action" method="post" action="/console/account">
        <Csrf token={p.session!.csrfToken} />
        <fieldset>
          <legend>{m.notices_legend}</legend>
          <p class="hint">{m.notices_hint}</p>
          {NOTICE_KINDS.map((k) => (
            <label class="choice">
              <input type="checkbox" name="notices" value={k} checked={p.chosen.includes(k)} /> {m.notice[k]}
            </label>
          ))}
        </fieldset>
        <label for="language">{m.language}</label>
        <select id="language" name="language">
          <option value="" selected={p.user.language === null}>
            {m.language_default}
          </option>
          <option value="da" lang="da" selected={p.user.language === "da"}>
            Dansk
          </option>
          <option value="sv" lang="sv" selected={p.user.language === "sv"}>
            Svenska
          </option>
          <option value="en" lang="en" selected={p.user.language === "en"}>
            English
          </option>
        </select>
        <button type="submit">{m.save}</button>
      </form>
    </Layout>
  );
};

/** The page of a mail's unsubscribe link: one button (RFC 8058 mail clients POST without it). */
export const UnsubscribePage: FC<Page & { kind: NoticeKind; action: string; done: boolean }> = (p) => {
  const m = p_(p);
  return (
    <Layout {...p} title={m.unsubscribe_title}>
      <h1>{m.unsubscribe_title}</h1>
      {p.done ? (
        <p class="done" role="status">
          {m.unsubscribed(m.notice[p.kind])}
        </p>
      ) : (
        <form class="action" method="post" action={p.action}>
          <p>{m.unsubscribe_confirm(m.notice[p.kind])}</p>
          <button type="submit">{m.unsubscribe_button}</button>
        </form>
      )}
    </Layout>
  );
};
