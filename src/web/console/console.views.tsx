import type { Child, FC } from "hono/jsx";
import { raw } from "hono/html";
import type { AnnexDiff, ClassifiedLocation, ClassifiedSubProcessor, FieldChange } from "../../domain/annex";
import { countryName } from "../../domain/countries";
import { formatDate, formatDeadline } from "../../i18n/format";
import { mechanismLabel } from "../../i18n/labels";
import { localDaysBetween } from "../../domain/time-zones";
import { type Lang, LANGS, MESSAGES } from "../../i18n/messages";
import type { DecisionView } from "../../features/decisions/decisions.presenter";
import type { Role } from "../../domain/people";
import { OBJECTION_GROUNDS, OBJECTION_RESPONSES, type ObjectionGround, type ObjectionResponse } from "../../domain/decisions";
import { PEOPLE } from "../../i18n/people";

/** One inline stylesheet: the console loads nothing else. Focus is always visible; colour is never the only signal. */
const CSS = `
:root { color-scheme: light; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: #111; background: #fff; margin: 0; }
a { color: #0b4f9c; }
:focus-visible { outline: 3px solid #b35900; outline-offset: 2px; }
/* a party's own words keep their line breaks; an id or a long word breaks rather than widening a phone's page */
.text { white-space: pre-line; }
h1, h2, h3, code { overflow-wrap: anywhere; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; }
.skip:focus { left: 1rem; }
header { background: #f2f2f2; border-bottom: 1px solid #888; padding: .75rem 1rem; display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; }
header .brand { font-weight: 700; }
nav ul { list-style: none; display: flex; gap: 1rem; margin: 0; padding: 0; flex-wrap: wrap; }
main { max-width: 70rem; margin: 0 auto; padding: 1rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.25rem; }
th, td { border: 1px solid #888; padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #eee; }
.badge { display: inline-block; border: 1px solid #333; border-radius: .25rem; padding: 0 .35rem; margin: 0 .25rem .15rem 0; font-size: .85em; background: #fff; }
.badge.warn { border-width: 2px; font-weight: 600; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
form.action { border: 1px solid #888; padding: .75rem 1rem; margin: 1rem 0; max-width: 40rem; }
label { display: block; font-weight: 600; margin-bottom: .25rem; }
label.choice { font-weight: 400; margin: .25rem 0; }
fieldset { border: 1px solid #bbb; margin: .75rem 0; padding: .5rem .75rem; }
.hint { margin: 0 0 .5rem; color: #333; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
textarea, select, input[type=password], input[type=text], input[type=email] { width: 100%; box-sizing: border-box; font: inherit; padding: .35rem; border: 1px solid #555; }
form.action select { margin-bottom: .75rem; }
button { font: inherit; padding: .35rem .9rem; margin-top: .5rem; border: 2px solid #0b4f9c; background: #0b4f9c; color: #fff; border-radius: .25rem; cursor: pointer; }
button.secondary { background: #fff; color: #0b4f9c; }
.error { border-left: 4px solid #a00; padding: .5rem .75rem; background: #fff4f4; color: #700; }
.note { border-left: 4px solid #555; padding: .5rem .75rem; background: #f6f6f6; }
.inline { display: inline; }
.done { border-left: 4px solid #1a6b2f; padding: .5rem .75rem; background: #f0f8f2; font-weight: 600; }
.silence { border-left: 4px solid #0b4f9c; padding: .4rem .75rem; margin: .35rem 0; background: #f3f7fc; font-weight: 600; }
th .silence { font-size: .9em; margin-bottom: 0; }
.silence.specific { border-left-color: #555; background: #f6f6f6; }
.silence.warn { border-left-color: #a00; background: #fff4f4; color: #700; }
.utc { color: #444; font-size: .9em; }
td, th, dd { overflow-wrap: anywhere; }
/* a phone: every table row becomes a card, each cell named by its column */
@media (max-width: 600px) {
  main { padding: .75rem; }
  table, tbody, tr, th, td { display: block; width: auto; }
  thead { display: none; }
  tr { border: 1px solid #888; border-radius: .25rem; margin-bottom: .75rem; padding: .25rem .5rem; }
  th, td { border: none; border-bottom: 1px solid #ddd; padding: .35rem 0; }
  tr > :last-child { border-bottom: none; }
  td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: .5rem; }
}
@media print {
  .skip, header nav, form, button { display: none; }
  a { color: #000; text-decoration: none; }
  .silence, .note, .error { background: none; }
}
`;

export interface Page {
  lang: Lang;
  /** the path, for the language switch to come back to */
  path: string;
  session?: { organisationName: string; userName: string; role: Role; csrfToken: string; scope: "read" | "write" };
}

export const t = (lang: Lang) => MESSAGES[lang].console;
const date = (iso: string | null | undefined, lang: Lang) => (iso ? formatDate(new Date(iso), lang) : "—");

/** A notice's end as the controller counts it (24:00 on its last day, in its zone), with the instant in UTC beside it. */
const Deadline: FC<{ d: DecisionView; lang: Lang; at?: string }> = ({ d, lang, at = d.notice_ends_at }) => {
  const { local, zone, utc } = formatDeadline(new Date(at), lang, d.controller.time_zone);
  return (
    <>
      <time datetime={at}>{local}</time> <span class="utc">({t(lang).zone_and_utc(zone, utc)})</span>
    </>
  );
};

/** What silence does to a pending decision: approves it at the notice's end, or nothing. */
const Silence: FC<{ d: DecisionView; lang: Lang }> = ({ d, lang }) => {
  if (d.state !== "pending") return null;
  const m = t(lang);
  // an open question holds the notice: silence does nothing until it is answered (docs/rules.md, rule 13)
  if (d.notice_held) return <p class="silence warn">{m.notice_held}</p>;
  const text = d.instruction_conflict
    ? m.silence_conflict
    : d.authorisation === "general"
      ? m.silence_general(formatDeadline(new Date(d.notice_ends_at), lang, d.controller.time_zone).local)
      : m.silence_specific;
  return <p class={`silence ${d.instruction_conflict ? "warn" : d.authorisation}`}>{text}</p>;
};

/** Whole days left before the notice's last day, counted in the controller's calendar: 0 on the last day itself. */
/** Not final yet: pending, or a notice still to take effect (what the `withdrawable` guard allows). */
export const stillOpen = (d: DecisionView) => d.state === "pending" || (d.kind === "notice" && d.application.state === "scheduled");

const daysLeft = (d: DecisionView, now: Date) => Math.max(0, localDaysBetween(now, new Date(Date.parse(d.notice_ends_at) - 1), d.controller.time_zone));
const LANG_NAMES: Record<Lang, string> = { da: "Dansk", sv: "Svenska", en: "English" };

export const Csrf: FC<{ token: string }> = ({ token }) => <input type="hidden" name="csrf" value={token} />;

/** Who did something, as a term of a fact list: by name, else by address; nothing for a key of the organisation. */
const PersonFact: FC<{ label: string; person: { name: string | null; email: string } | null }> = ({ label, person }) =>
  person ? (
    <>
      <dt>{label}</dt>
      <dd>{person.name ?? person.email}</dd>
    </>
  ) : null;

export const Layout: FC<Page & { title: string; children?: Child }> = ({ lang, path, session, title, children }) => {
  const m = t(lang);
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{`${title} – ${m.title}`}</title>
        <style>{raw(CSS)}</style>
      </head>
      <body>
        <a class="skip" href="#main">
          {m.skip_to_content}
        </a>
        <header>
          <span class="brand">{m.title}</span>
          {session ? (
            <nav aria-label={m.nav_label}>
              <ul>
                <li>
                  <a href="/console">{m.nav_inbox}</a>
                </li>
                <li>
                  <a href="/console/requests">{m.nav_requests}</a>
                </li>
                {session.role === "admin" ? (
                  <li>
                    <a href="/console/people">{PEOPLE[lang].nav_people}</a>
                  </li>
                ) : null}
                <li>
                  <a href="/console/account">{PEOPLE[lang].nav_account}</a>
                </li>
              </ul>
            </nav>
          ) : null}
          <nav aria-label={m.language}>
            <ul>
              {LANGS.map((l) => (
                <li>
                  <a href={`/console/lang?to=${l}&back=${encodeURIComponent(path)}`} lang={l} hreflang={l} aria-current={l === lang ? "true" : undefined}>
                    {LANG_NAMES[l]}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          {session ? (
            <div>
              <span>{PEOPLE[lang].signed_in_as(session.userName, session.organisationName)}</span>{" "}
              <form class="inline" method="post" action="/console/sign-out">
                <Csrf token={session.csrfToken} />
                <button type="submit" class="secondary">
                  {m.sign_out}
                </button>
              </form>
            </div>
          ) : null}
        </header>
        <main id="main" tabindex={-1}>
          {session?.scope === "read" ? <p class="note">{PEOPLE[lang].read_only}</p> : null}
          {children}
        </main>
      </body>
    </html>
  );
};

export const MessagePage: FC<Page & { title: string; message: string }> = (p) => (
  <Layout {...p} title={p.title}>
    <h1>{p.title}</h1>
    <p>{p.message}</p>
    <p>
      <a href="/console">{t(p.lang).nav_inbox}</a>
    </p>
  </Layout>
);

const Badges: FC<{ d: DecisionView; lang: Lang }> = ({ d, lang }) => {
  const m = t(lang);
  if (!d.overdue && !d.introduces_third_country && !d.instruction_conflict) return <>—</>;
  return (
    <>
      {d.overdue ? <span class="badge warn">{m.badge_overdue}</span> : null}
      {d.introduces_third_country ? <span class="badge warn">{m.badge_third_country}</span> : null}
      {d.instruction_conflict ? <span class="badge warn">{m.badge_conflict}</span> : null}
    </>
  );
};

export const InboxPage: FC<Page & { decisions: DecisionView[]; now: Date }> = (p) => {
  const m = t(p.lang);
  return (
    <Layout {...p} title={m.inbox_title}>
      <h1>{m.inbox_title}</h1>
      {p.decisions.length === 0 ? (
        <p>{m.inbox_empty}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{m.col_agreement}</th>
              <th scope="col">{m.col_processor}</th>
              <th scope="col">{m.col_notice_ends}</th>
              <th scope="col">{m.col_days_left}</th>
              <th scope="col">{m.col_flags}</th>
            </tr>
          </thead>
          <tbody>
            {p.decisions.map((d) => (
              <tr>
                <th scope="row">
                  <a href={`/console/decisions/${d.id}`}>{d.agreement.title}</a>
                  <Silence d={d} lang={p.lang} />
                </th>
                <td data-label={m.col_processor}>{d.processor.name}</td>
                <td data-label={m.col_notice_ends}>
                  <Deadline d={d} lang={p.lang} />
                </td>
                {/* a held notice does not run (docs/rules.md, rule 13) */}
                <td data-label={m.col_days_left}>{d.notice_held ? "—" : m.days_left(daysLeft(d, p.now))}</td>
                <td data-label={m.col_flags}>
                  <Badges d={d} lang={p.lang} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
};

const value = (v: unknown): string => (v === null || v === undefined ? "—" : typeof v === "string" ? v : JSON.stringify(v));

/** Where the data goes, as a controller weighs it: EU/EEA or third country, and the tool a transfer rests on. */
const transferOf = (s: ClassifiedSubProcessor, lang: Lang) => {
  const doc = MESSAGES[lang];
  const parts = [doc.classification[s.classification]];
  if (s.transfer_mechanism) parts.push(mechanismLabel(s.transfer_mechanism, doc));
  if (s.dpf_certified) parts.push(doc.dpf);
  return parts.join(" · ");
};

const SubProcessorRows: FC<{ list: ClassifiedSubProcessor[]; lang: Lang; names: Record<string, string> }> = ({ list, lang, names }) => {
  const doc = MESSAGES[lang];
  return (
    <>
      {list.map((s) => (
        <tr>
          <th scope="row">
            {s.legal_name}
            {s.parent_id ? <span class="parent">{` (${t(lang).parent_of(names[s.parent_id] ?? s.parent_id)})`}</span> : null}
          </th>
          <td>{`${s.registration.number} (${doc.registration_scheme[s.registration.scheme]})`}</td>
          <td>{`${s.address.city}, ${countryName(s.address.country, lang)}`}</td>
          <td>{s.description}</td>
          <td>{transferOf(s, lang)}</td>
        </tr>
      ))}
    </>
  );
};

const LocationRows: FC<{ list: ClassifiedLocation[]; lang: Lang }> = ({ list, lang }) => {
  const doc = MESSAGES[lang];
  return (
    <>
      {list.map((l) => (
        <tr>
          <th scope="row">{l.label}</th>
          <td>{`${l.address.city}, ${countryName(l.address.country, lang)}`}</td>
          <td>{l.activities.map((a) => doc.activity[a]).join(", ")}</td>
          <td>{doc.classification[l.classification]}</td>
        </tr>
      ))}
    </>
  );
};

const ChangeRows: FC<{ name: string; changes: FieldChange[]; lang: Lang }> = ({ name, changes, lang }) => (
  <>
    {changes.map((c) => (
      <tr>
        <th scope="row">{`${name}: ${t(lang).field_name[c.field] ?? c.field}`}</th>
        <td>{value(c.from)}</td>
        <td>{value(c.to)}</td>
      </tr>
    ))}
  </>
);

/** The annex's sub-processors as one table: the decision page's diff and the agreement page share it. */
const SubProcessorTable: FC<{ list: ClassifiedSubProcessor[]; lang: Lang; names?: Record<string, string> }> = ({ list, lang, names }) => {
  const doc = MESSAGES[lang];
  return (
    <table>
      <caption>{doc.sub_processors}</caption>
      <thead>
        <tr>
          <th scope="col">{doc.col_name}</th>
          <th scope="col">{doc.col_registration}</th>
          <th scope="col">{doc.col_address}</th>
          <th scope="col">{doc.col_description}</th>
          <th scope="col">{doc.col_classification}</th>
        </tr>
      </thead>
      <tbody>
        <SubProcessorRows list={list} lang={lang} names={names ?? Object.fromEntries(list.map((s) => [s.id, s.legal_name]))} />
      </tbody>
    </table>
  );
};

const LocationTable: FC<{ list: ClassifiedLocation[]; lang: Lang }> = ({ list, lang }) => {
  const doc = MESSAGES[lang];
  return (
    <table>
      <caption>{doc.locations}</caption>
      <thead>
        <tr>
          <th scope="col">{doc.col_location}</th>
          <th scope="col">{doc.col_address}</th>
          <th scope="col">{doc.col_activities}</th>
          <th scope="col">{doc.col_classification}</th>
        </tr>
      </thead>
      <tbody>
        <LocationRows list={list} lang={lang} />
      </tbody>
    </table>
  );
};

export const DiffView: FC<{ diff: AnnexDiff & { names?: Record<string, string> }; lang: Lang }> = ({ diff, lang }) => {
  const m = t(lang);
  const changed = [
    ...diff.sub_processors.changed.map((c) => ({ name: c.after.legal_name, changes: c.changes })),
    ...diff.locations.changed.map((c) => ({ name: c.after.label, changes: c.changes })),
  ];
  const section = (title: string, sps: ClassifiedSubProcessor[], locs: ClassifiedLocation[]) => (
    <section>
      <h3>{title}</h3>
      {sps.length === 0 && locs.length === 0 ? <p>{m.no_changes}</p> : null}
      {sps.length ? <SubProcessorTable list={sps} lang={lang} names={diff.names} /> : null}
      {locs.length ? <LocationTable list={locs} lang={lang} /> : null}
    </section>
  );
  return (
    <>
      {section(m.added, diff.sub_processors.added, diff.locations.added)}
      {section(m.removed, diff.sub_processors.removed, diff.locations.removed)}
      <section>
        <h3>{m.changed}</h3>
        {changed.length === 0 ? (
          <p>{m.no_changes}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{m.field}</th>
                <th scope="col">{m.before}</th>
                <th scope="col">{m.after}</th>
              </tr>
            </thead>
            <tbody>
              {changed.map((c) => (
                <ChangeRows lang={lang} name={c.name} changes={c.changes} />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
};

export type Done = keyof ReturnType<typeof t>["done"];
export const isDone = (x: string | undefined): x is Done =>
  x === "approved" || x === "objected" || x === "responded" || x === "asked" || x === "answered" || x === "withdrawn" || x === "withdrawn_all";

/** The action just done, said where the user lands (a status message screen readers announce). */
export const DoneNote: FC<{ done?: Done; lang: Lang }> = ({ done, lang }) =>
  done ? (
    <p class="done" role="status">
      {t(lang).done[done]}
    </p>
  ) : null;

/** The step before an act that cannot be undone: what it does, then confirm (a POST) or go back. */
export const ConfirmPage: FC<Page & { title: string; text: string; action: string; fields?: Record<string, string>; back: string }> = (p) => {
  const m = t(p.lang);
  return (
    <Layout {...p} title={p.title}>
      <h1>{p.title}</h1>
      <p class="note">{p.text}</p>
      <form class="action" method="post" action={p.action}>
        <Csrf token={p.session!.csrfToken} />
        {Object.entries(p.fields ?? {}).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="confirmed" value="1" />
        <button type="submit">{m.confirm}</button> <a href={p.back}>{m.cancel}</a>
      </form>
    </Layout>
  );
};

export const DecisionPage: FC<
  Page & {
    d: DecisionView;
    diff: AnnexDiff | null;
    role: "controller" | "processor";
    canWrite: boolean;
    error?: string;
    /** the objection's ground was not chosen */
    groundError?: string;
    approveError?: string;
    /** the decision moved before this action: true, or what to say */
    conflict?: boolean | string;
    reason?: string;
    /** the ground chosen, kept when the form comes back with an error */
    ground?: string;
    /** the controller agreed that its reason goes upstream with its name (docs/rules.md, rule 14) */
    share?: boolean;
    comment?: string;
    /** the processor's answer to an objection: its error, and what was entered */
    respondError?: string;
    response?: string;
    note?: string;
    /** a question (docs/rules.md, rule 13): the controller's form's error and text; the processor's answer's error, text and question */
    askError?: string;
    question?: string;
    answerError?: string;
    answer?: string;
    answerFor?: string;
    /** the instruction in force, when the change conflicts with it */
    instructionConflict?: "prohibited" | null;
    now: Date;
    /** the action just done, confirmed at the top of the page */
    done?: Done;
  }
> = (p) => {
  const m = t(p.lang);
  const doc = MESSAGES[p.lang];
  const d = p.d;
  const actionable = d.state === "pending" && p.role === "controller" && p.canWrite;
  // the processor answers an objection once (docs/rules.md, rule 6)
  const answerable = d.state === "objected" && d.objection_response === null && p.role === "processor" && p.canWrite;
  return (
    <Layout {...p} title={m.decision_title}>
      <h1>{`${m.decision_title}: ${d.agreement.title}`}</h1>
      <DoneNote done={p.done} lang={p.lang} />
      {p.conflict ? (
        <p class="error" role="alert">
          {typeof p.conflict === "string" ? p.conflict : m.conflict}
        </p>
      ) : null}
      <Silence d={d} lang={p.lang} />
      <dl class="facts">
        <dt>{m.col_agreement}</dt>
        <dd>
          <a href={`/console/agreements/${d.agreement.id}`}>{d.agreement.title}</a>
        </dd>
        <dt>{m.col_processor}</dt>
        <dd>{d.processor.name}</dd>
        <dt>{m.col_controller}</dt>
        <dd>{d.controller.name}</dd>
        <dt>{m.state_label}</dt>
        <dd>
          <strong>{m.state[d.state]}</strong>
        </dd>
        <dt>{m.notice_ends}</dt>
        <dd>
          <Deadline d={d} lang={p.lang} />
          {d.state === "pending" && !d.notice_held ? ` · ${m.days_left(daysLeft(d, p.now))}` : null}
        </dd>
        {d.original_notice_ends_at ? (
          <>
            <dt>{m.notice_as_submitted}</dt>
            <dd>
              <Deadline d={d} lang={p.lang} at={d.original_notice_ends_at} />
            </dd>
          </>
        ) : null}
        <dt>{m.effective_date}</dt>
        <dd>{d.application.effective_at ? date(d.application.effective_at, p.lang) : d.change.effective_date ? date(d.change.effective_date, p.lang) : m.effective_on_approval}</dd>
        <dt>{m.col_flags}</dt>
        <dd>
          <Badges d={d} lang={p.lang} />
        </dd>
        {d.decided_at ? (
          <>
            <dt>{m.decided_at}</dt>
            <dd>{date(d.decided_at, p.lang)}</dd>
          </>
        ) : null}
        {d.objection_ground ? (
          <>
            <dt>{m.objection_ground}</dt>
            <dd>{m.objection_grounds[d.objection_ground]}</dd>
          </>
        ) : null}
        {d.objection_reason ? (
          <>
            <dt>{m.objection_reason}</dt>
            <dd class="text">{d.objection_reason}</dd>
          </>
        ) : null}
        {d.comment ? (
          <>
            <dt>{m.comment}</dt>
            <dd>{d.comment}</dd>
          </>
        ) : null}
      </dl>
      {d.kind === "decision" && (d.questions.length || actionable) ? <QuestionsSection {...p} askable={actionable} /> : null}
      {d.state === "objected" ? <ObjectionResponseSection {...p} answerable={answerable} /> : null}
      <h2>{m.processor_reason}</h2>
      <p class="text">{d.change.reason}</p>
      <h2>{m.change}</h2>
      {d.kind === "notice" ? <p class="note">{m.notice_explainer}</p> : null}
      {p.diff ? <DiffView diff={p.diff} lang={p.lang} /> : <p class="note">{m.preview_unavailable}</p>}
      {actionable ? (
        <>
          <form class="action" method="post" action={`/console/decisions/${d.id}/approve`}>
            <Csrf token={p.session!.csrfToken} />
            {p.instructionConflict ? (
              <>
                <p id="conflict-explainer" class="error">
                  {m.conflict_explainer(doc.instruction[p.instructionConflict])}
                </p>
                <p>
                  <input type="checkbox" id="amend" name="amend_instruction" value="with_transfer_mechanism" aria-describedby="conflict-explainer" />{" "}
                  <label for="amend">{m.amend_instruction}</label>
                </p>
                <label for="amendment_reason">{m.amendment_reason}</label>
                {p.approveError ? (
                  <p id="amendment-error" class="error" role="alert">
                    {p.approveError}
                  </p>
                ) : null}
                <textarea id="amendment_reason" name="amendment_reason" rows={2} aria-describedby={p.approveError ? "amendment-error" : undefined}></textarea>
              </>
            ) : null}
            <label for="comment">{m.approve_comment}</label>
            <textarea id="comment" name="comment" rows={2}>
              {p.comment ?? ""}
            </textarea>
            <button type="submit">{m.approve}</button>
          </form>
          <form class="action" method="post" action={`/console/decisions/${d.id}/object`}>
            <Csrf token={p.session!.csrfToken} />
            <label for="ground">{m.objection_ground}</label>
            {p.groundError ? (
              <p id="ground-error" class="error" role="alert">
                {p.groundError}
              </p>
            ) : null}
            <select id="ground" name="ground" required aria-invalid={p.groundError ? "true" : undefined} aria-describedby={p.groundError ? "ground-error" : undefined}>
              <option value="" selected={!isGround(p.ground)}>
                {m.objection_ground_choose}
              </option>
              {OBJECTION_GROUNDS.map((g) => (
                <option value={g} selected={p.ground === g}>
                  {m.objection_grounds[g]}
                </option>
              ))}
            </select>
            <label for="reason">{m.objection_reason}</label>
            <p id="reason-explainer">{m.objection_explainer}</p>
            {p.error ? (
              <p id="reason-error" class="error" role="alert">
                {p.error}
              </p>
            ) : null}
            <textarea
              id="reason"
              name="reason"
              rows={3}
              aria-required="true"
              aria-invalid={p.error ? "true" : undefined}
              aria-describedby={p.error ? "reason-explainer reason-error" : "reason-explainer"}
            >
              {p.reason ?? ""}
            </textarea>
            <p>
              <input type="checkbox" id="share" name="share_with_upstream" value="yes" checked={p.share === true} aria-describedby="share-explainer" />{" "}
              <label for="share">{m.objection_share_upstream}</label>
            </p>
            <p id="share-explainer">{m.objection_share_upstream_explainer}</p>
            <button type="submit">{m.object}</button>
          </form>
        </>
      ) : !stillOpen(d) && !answerable ? (
        <p class="note">{m.final_note}</p>
      ) : null}
      {p.role === "processor" && p.canWrite && stillOpen(d) ? (
        <form class="action" method="get" action={`/console/decisions/${d.id}/withdraw`}>
          <button type="submit" class="secondary">
            {m.withdraw_one}
          </button>
        </form>
      ) : null}
    </Layout>
  );
};

/**
 * The controller's questions and the processor's answers (docs/rules.md, rule 13), oldest first; the
 * processor that may write answers an open one here, and the controller asks on a pending decision.
 */
const QuestionsSection: FC<
  Page & {
    d: DecisionView;
    role: "controller" | "processor";
    canWrite: boolean;
    askable: boolean;
    askError?: string;
    question?: string;
    answerError?: string;
    answer?: string;
    answerFor?: string;
  }
> = (p) => {
  const m = t(p.lang);
  const answering = p.role === "processor" && p.canWrite;
  return (
    <section aria-labelledby="questions">
      <h2 id="questions">{m.questions}</h2>
      {p.d.questions.map((q, i) => (
        <dl class="facts">
          <dt>{m.question}</dt>
          <dd>{q.question}</dd>
          <dt>{m.question_asked_at}</dt>
          <dd>
            <time datetime={q.asked_at}>{date(q.asked_at, p.lang)}</time>
            {q.holds_notice ? ` · ${m.question_holds}` : null}
          </dd>
          <PersonFact label={m.question_asked_by} person={q.asked_by} />
          <dt>{m.question_answer}</dt>
          {q.answer !== null ? (
            <>
              <dd>{q.answer}</dd>
              <dt>{m.objection_responded_at}</dt>
              <dd>
                <time datetime={q.answered_at ?? ""}>{date(q.answered_at, p.lang)}</time>
              </dd>
              <PersonFact label={m.objection_responded_by} person={q.answered_by} />
            </>
          ) : answering ? (
            <dd>
              <form class="action" method="post" action={`/console/decisions/${p.d.id}/questions/${q.id}/answer`}>
                <Csrf token={p.session!.csrfToken} />
                <label for={`answer-${i}`}>{m.answer_label}</label>
                <p id={`answer-${i}-explainer`} class="hint">
                  {m.answer_explainer}
                </p>
                {p.answerError && p.answerFor === q.id ? (
                  <p id={`answer-${i}-error`} class="error" role="alert">
                    {p.answerError}
                  </p>
                ) : null}
                <textarea
                  id={`answer-${i}`}
                  name="answer"
                  rows={3}
                  maxlength={4000}
                  aria-required="true"
                  aria-invalid={p.answerError && p.answerFor === q.id ? "true" : undefined}
                  aria-describedby={p.answerError && p.answerFor === q.id ? `answer-${i}-explainer answer-${i}-error` : `answer-${i}-explainer`}
                >
                  {p.answerFor === q.id ? (p.answer ?? "") : ""}
                </textarea>
                <button type="submit">{m.answer_submit}</button>
              </form>
            </dd>
          ) : (
            <dd>{m.question_open}</dd>
          )}
        </dl>
      ))}
      {p.askable ? (
        <form class="action" method="post" action={`/console/decisions/${p.d.id}/questions`}>
          <Csrf token={p.session!.csrfToken} />
          <label for="question">{m.ask_question}</label>
          <p id="question-explainer" class="hint">
            {m.ask_explainer}
          </p>
          {p.askError ? (
            <p id="question-error" class="error" role="alert">
              {p.askError}
            </p>
          ) : null}
          <textarea
            id="question"
            name="question"
            rows={3}
            maxlength={4000}
            aria-required="true"
            aria-invalid={p.askError ? "true" : undefined}
            aria-describedby={p.askError ? "question-explainer question-error" : "question-explainer"}
          >
            {p.question ?? ""}
          </textarea>
          <button type="submit">{m.ask}</button>
        </form>
      ) : null}
    </section>
  );
};

const isGround = (x: string | undefined): x is ObjectionGround => (OBJECTION_GROUNDS as readonly string[]).includes(x ?? "");

/**
 * An objected decision: the processor's answer (read-only for both parties once given), or, for
 * the processor that may still answer, the form that records it once.
 */
const ObjectionResponseSection: FC<Page & { d: DecisionView; answerable: boolean; respondError?: string; response?: string; note?: string }> = (p) => {
  const m = t(p.lang);
  const r = p.d.objection_response;
  return (
    <section aria-labelledby="objection-response">
      <h2 id="objection-response">{m.objection_response}</h2>
      {r ? (
        <dl class="facts">
          <dt>{m.objection_response_answer}</dt>
          <dd>
            <strong>{m.objection_responses[r.response]}</strong>
          </dd>
          <dt>{m.objection_response_note}</dt>
          <dd>{r.note}</dd>
          <dt>{m.objection_responded_at}</dt>
          <dd>
            <time datetime={r.responded_at}>{date(r.responded_at, p.lang)}</time>
          </dd>
          <PersonFact label={m.objection_responded_by} person={r.responded_by} />
        </dl>
      ) : p.answerable ? (
        <form class="action" method="post" action={`/console/decisions/${p.d.id}/objection-response`}>
          <Csrf token={p.session!.csrfToken} />
          <p id="respond-explainer" class="hint">
            {m.respond_explainer}
          </p>
          {p.respondError ? (
            <p id="respond-error" class="error" role="alert">
              {p.respondError}
            </p>
          ) : null}
          <label for="response">{m.respond_response}</label>
          <select
            id="response"
            name="response"
            required
            aria-invalid={p.respondError && !isResponse(p.response) ? "true" : undefined}
            aria-describedby={p.respondError ? "respond-explainer respond-error" : "respond-explainer"}
          >
            <option value="" selected={!isResponse(p.response)}>
              {m.respond_choose}
            </option>
            {OBJECTION_RESPONSES.map((o) => (
              <option value={o} selected={p.response === o}>
                {m.objection_responses[o]}
              </option>
            ))}
          </select>
          <label for="note">{m.respond_note}</label>
          <textarea
            id="note"
            name="note"
            rows={3}
            aria-required="true"
            aria-invalid={p.respondError && !p.note ? "true" : undefined}
            aria-describedby={p.respondError ? "respond-explainer respond-error" : "respond-explainer"}
          >
            {p.note ?? ""}
          </textarea>
          <button type="submit">{m.respond}</button>
        </form>
      ) : (
        <p class="note">{m.objection_response_awaited}</p>
      )}
    </section>
  );
};

const isResponse = (x: string | undefined): x is ObjectionResponse => (OBJECTION_RESPONSES as readonly string[]).includes(x ?? "");

/** `upstreamDeadline`: the change passes on a sub-processor's own, whose deadline stands beside each notice end (docs/rules.md, rule 14). */
export const DecisionsTable: FC<{ decisions: DecisionView[]; lang: Lang; party: "processor" | "controller"; upstreamDeadline?: string }> = ({
  decisions,
  lang,
  party,
  upstreamDeadline,
}) => {
  const m = t(lang);
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{m.col_agreement}</th>
          <th scope="col">{party === "controller" ? m.col_controller : m.col_processor}</th>
          <th scope="col">{m.col_state}</th>
          <th scope="col">{m.col_notice_ends}</th>
          {upstreamDeadline ? <th scope="col">{m.col_upstream_deadline}</th> : null}
          <th scope="col">{m.col_decided}</th>
          <th scope="col">{m.col_flags}</th>
        </tr>
      </thead>
      <tbody>
        {decisions.map((d) => (
          <tr>
            <th scope="row">
              <a href={`/console/decisions/${d.id}`}>{d.agreement.title}</a>
            </th>
            <td>{party === "controller" ? d.controller.name : d.processor.name}</td>
            <td>{m.state[d.state]}</td>
            <td>{date(d.notice_ends_at, lang)}</td>
            {upstreamDeadline ? (
              <td data-label={m.col_upstream_deadline}>
                <time datetime={upstreamDeadline}>{date(upstreamDeadline, lang)}</time>
                {Date.parse(d.notice_ends_at) > Date.parse(upstreamDeadline) ? (
                  <>
                    {" "}
                    <span class="badge warn">{m.upstream_too_late}</span>
                  </>
                ) : null}
              </td>
            ) : null}
            <td>{date(d.decided_at, lang)}</td>
            <td>
              <Badges d={d} lang={lang} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
};

export interface AnnexSummary {
  version: number;
  effective_at: string;
  locations: ClassifiedLocation[];
  sub_processors: ClassifiedSubProcessor[];
}

export const AgreementPage: FC<
  Page & {
    agreement: { id: string; title: string; status: string; processorName: string; controllerName: string };
    annex: AnnexSummary | null;
    versions: { version: number; effective_at: string; created_at: string }[];
    decisions: DecisionView[];
    terms: {
      version: number;
      authorisation: "specific" | "general";
      notice_days: number;
      third_country_transfers: "prohibited" | "with_transfer_mechanism";
      effective_at: string;
      in_force: boolean;
      reason: string | null;
    }[];
  }
> = (p) => {
  const m = t(p.lang);
  const doc = MESSAGES[p.lang];
  return (
    <Layout {...p} title={`${m.agreement_title}: ${p.agreement.title}`}>
      <h1>{`${m.agreement_title}: ${p.agreement.title}`}</h1>
      <dl class="facts">
        <dt>{m.col_processor}</dt>
        <dd>{p.agreement.processorName}</dd>
        <dt>{m.col_controller}</dt>
        <dd>{p.agreement.controllerName}</dd>
        <dt>{m.state_label}</dt>
        <dd>{m.agreement_status[p.agreement.status as keyof typeof m.agreement_status] ?? p.agreement.status}</dd>
      </dl>
      <h2>{m.terms_history}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{doc.col_version}</th>
            <th scope="col">{doc.in_force_from}</th>
            <th scope="col">{doc.instruction_label}</th>
            <th scope="col">{doc.notice_period_label}</th>
            <th scope="col">{doc.authorisation_label}</th>
            <th scope="col">{doc.col_change}</th>
          </tr>
        </thead>
        <tbody>
          {p.terms.map((v) => (
            <tr>
              <th scope="row">{String(v.version)}</th>
              <td>{date(v.effective_at, p.lang)}</td>
              <td>{doc.instruction[v.third_country_transfers]}</td>
              <td>{doc.notice_days(v.notice_days)}</td>
              <td>{doc.authorisation[v.authorisation]}</td>
              <td>{v.reason ?? doc.baseline}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>{m.current_annex}</h2>
      {p.annex ? (
        <>
          <p>
            {`${doc.annex_version} ${p.annex.version}, ${doc.in_force_from.toLowerCase()} ${date(p.annex.effective_at, p.lang)}. `}
            <a href={`/console/agreements/${p.agreement.id}/document`}>{m.open_document}</a>
          </p>
          <SubProcessorTable list={p.annex.sub_processors} lang={p.lang} />
          <LocationTable list={p.annex.locations} lang={p.lang} />
        </>
      ) : (
        <p>{m.not_active}</p>
      )}
      <h2>{m.versions}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{doc.col_version}</th>
            <th scope="col">{doc.col_effective_date}</th>
            <th scope="col">{m.version_reason}</th>
            <th scope="col">{m.version_how}</th>
          </tr>
        </thead>
        <tbody>
          {p.versions.map((v) => {
            // the decision that made the version: its reason, and whether it was approved explicitly, by silence, or noticed
            const made = p.decisions.find((d) => d.application.version === v.version);
            const how = made ? (made.state === "approved" || made.state === "deemed_approved" || made.state === "noticed" ? made.state : null) : "baseline";
            return (
              <tr>
                <th scope="row">{String(v.version)}</th>
                <td data-label={doc.col_effective_date}>{date(v.effective_at, p.lang)}</td>
                <td data-label={m.version_reason}>{made?.change.reason ?? "—"}</td>
                <td data-label={m.version_how}>{how ? `${m.how[how]}${how === "approved" && made ? ` (${made.controller.name}, ${date(made.decided_at, p.lang)})` : ""}` : "—"}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h2>{m.past_decisions}</h2>
      {p.decisions.length ? <DecisionsTable decisions={p.decisions} lang={p.lang} party="processor" /> : <p>{m.no_decisions}</p>}
    </Layout>
  );
};

export interface RequestSummary {
  id: string;
  reason: string;
  submitted_at: string;
  processorId: string;
  decisions: DecisionView[];
  /** the sub-processor's change it passes on, shown to the processor (docs/rules.md, rule 14) */
  upstream?: { id: string; title: string; deadline_at: string } | null;
}

export const RequestsPage: FC<Page & { requests: RequestSummary[]; organisationId: string; canWrite: boolean; done?: Done }> = (p) => {
  const m = t(p.lang);
  return (
    <Layout {...p} title={m.requests_title}>
      <h1>{m.requests_title}</h1>
      <DoneNote done={p.done} lang={p.lang} />
      {p.requests.length === 0 ? <p>{m.requests_empty}</p> : null}
      {p.requests.map((r) => (
        <section aria-labelledby={`cr-${r.id}`}>
          <h2 id={`cr-${r.id}`}>{`${r.id} – ${m.submitted} ${date(r.submitted_at, p.lang)}`}</h2>
          <p class="text">{r.reason}</p>
          {r.upstream ? (
            <p class="note">
              {m.upstream_change(r.upstream.title)} (<code>{r.upstream.id}</code>)
            </p>
          ) : null}
          <DecisionsTable decisions={r.decisions} lang={p.lang} party="controller" upstreamDeadline={r.upstream?.deadline_at} />
          {p.canWrite && r.processorId === p.organisationId && r.decisions.some((d) => d.state === "pending") ? (
            // a step before it: the confirmation page says what it does to how many agreements
            <form method="get" action={`/console/requests/${r.id}/withdraw`}>
              <button type="submit" class="secondary" aria-label={m.withdraw_label(r.id)}>
                {m.withdraw_all}
              </button>
            </form>
          ) : null}
        </section>
      ))}
    </Layout>
  );
};
