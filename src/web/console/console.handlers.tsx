import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import { AppError } from "../../domain/errors";
import { type Lang, MESSAGES } from "../../i18n/messages";
import { isLang, negotiateLang } from "../../i18n/negotiate";
import type { AppEnv } from "../../http/router";
import { getAgreement } from "../../features/agreements/agreements.service";
import { getAnnex, listAnnexVersions } from "../../features/annex/annex.service";
import { getAnnexDocumentSource } from "../../features/annex-document/annex-document.service";
import { buildDocumentView } from "../annex-document/annex-document.view";
import { renderHtml } from "../annex-document/render-html";
import { getChangeRequest, withdrawChangeRequest } from "../../features/change-requests/change-requests.service";
import { ctxOf } from "../../http/context";
import { answerQuestion, askQuestion, decide, getDecision, respondToObjection } from "../../features/decisions/decisions.service";
import { OBJECTION_GROUNDS, OBJECTION_RESPONSES } from "../../domain/decisions";
import { listTerms } from "../../features/agreements/agreement-terms.service";
import { upstreamChangesByIds } from "../../features/upstream/upstream.service";
import { allChangeRequests, allDecisions, decisionDiff } from "./console.service";
import { clearSessionCookie, type ConsoleSession, csrfMatches, loadSession } from "./console.session";
import { AgreementPage, ConfirmPage, stillOpen, DecisionPage, type Done, InboxPage, isDone, MessagePage, type Page, RequestsPage, t } from "./console.views";

export type ConsoleEnv = { Variables: AppEnv["Variables"] & { session: ConsoleSession } };
type C = Context<ConsoleEnv>;

/** Norwegian (nb, nn, no) is read as Danish: written Bokmål is closest to Danish. */
const NORWEGIAN_AS_DANISH: Partial<Record<string, Lang>> = { nb: "da", nn: "da", no: "da" };

/** The `lang` cookie, else the best supported language of Accept-Language (src/i18n/negotiate.ts), else English. */
export function pickLang(c: Context): Lang {
  return negotiateLang(c.req.header("accept-language"), getCookie(c, "lang"), NORWEGIAN_AS_DANISH);
}

const NO_STORE = { "Cache-Control": "no-store" };
// the console needs nothing but its inline stylesheet and its own forms
const CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** A console page: standards mode (the doctype first), never cached, nothing loaded from elsewhere. */
export async function html(c: Context, body: unknown, status = 200) {
  c.header("Content-Security-Policy", CSP);
  c.header("Cache-Control", NO_STORE["Cache-Control"]);
  return c.html(`<!DOCTYPE html>\n${await (body as { toString(): string | Promise<string> }).toString()}`, status as 200);
}

export const pageOf = (c: Context, session?: ConsoleSession): Page => ({
  lang: pickLang(c),
  path: new URL(c.req.url).pathname,
  session: session && { organisationName: session.organisationName, userName: session.userName, role: session.role, csrfToken: session.csrfToken, scope: session.scope },
});

/** A console page to come back to: /console and its paths, nothing else. */
export const BACK = /^\/console(\/[A-Za-z0-9_\-/]*)?$/;

export function switchLang(c: C) {
  const to = c.req.query("to");
  const back = c.req.query("back") ?? "/console";
  if (isLang(to)) setCookie(c, "lang", to, { path: "/console", sameSite: "Lax", secure: true, maxAge: 365 * 24 * 3600 });
  // only back into the console: never an open redirect
  return c.redirect(BACK.test(back) ? back : "/console", 303);
}

/** Every console page but sign-in needs a live session; without one, back to sign-in. */
export async function requireSession(c: C, next: () => Promise<void>) {
  const session = await loadSession(c as unknown as Context<AppEnv>);
  if (!session) {
    clearSessionCookie(c as unknown as Context<AppEnv>);
    // back to where the person was going once signed in (only a console page: never an open redirect)
    const path = new URL(c.req.url).pathname;
    const back = c.req.method === "GET" && path !== "/console" && BACK.test(path) ? `?back=${encodeURIComponent(path)}` : "";
    return c.redirect(`/console/sign-in${back}`, 303);
  }
  c.set("session", session);
  c.set("actor", session.actor);
  await next();
}

/** What a viewer may still post: signing out and their own notices. */
const OWN_FORMS = new Set(["/console/sign-out", "/console/account"]);

/** Every POST carries the session's CSRF token; a viewer may change nothing but their own notices and sign-out. */
export async function checkForm(c: C, next: () => Promise<void>) {
  if (c.req.method !== "POST") return next();
  const form = await c.req.parseBody({ all: true });
  const session = c.get("session");
  if (!csrfMatches(form.csrf, session.csrfToken)) throw new HTTPException(403, { message: "csrf" });
  if (session.scope === "read" && !OWN_FORMS.has(c.req.path)) throw new HTTPException(403, { message: "read-only" });
  await next();
}

const ctx = (c: C) => ctxOf(c as unknown as Context<AppEnv>);

export async function inbox(c: C) {
  const session = c.get("session");
  const pending = await allDecisions(ctx(c), { state: "pending" });
  const mine = pending.filter((d) => d.controller.id === session.organisationId);
  return html(c, <InboxPage {...pageOf(c, session)} decisions={mine} now={c.get("deps").clock.now()} />);
}

type DecisionExtra = {
  error?: string;
  groundError?: string;
  approveError?: string;
  reason?: string;
  ground?: string;
  /** the controller agreed that its reason goes upstream with its name (docs/rules.md, rule 14) */
  share?: boolean;
  comment?: string;
  respondError?: string;
  response?: string;
  note?: string;
  askError?: string;
  question?: string;
  answerError?: string;
  answer?: string;
  answerFor?: string;
  conflict?: boolean | string;
  done?: Done;
};

async function renderDecision(c: C, extra: DecisionExtra = {}, status = 200) {
  const session = c.get("session");
  const d = await getDecision({ ctx: ctx(c), id: c.req.param("id")! });
  const diff = await decisionDiff(ctx(c), d);
  const role = d.controller.id === session.organisationId ? "controller" : "processor";
  // the instruction in force now decides whether approving needs an amendment (docs/rules.md, rule 3)
  const agreement = await getAgreement({ ctx: ctx(c), id: d.agreement.id });
  const instructionConflict = d.introduces_third_country && agreement.third_country_transfers === "prohibited" ? "prohibited" : null;
  return html(
    c,
    <DecisionPage
      {...pageOf(c, session)}
      d={d}
      diff={diff}
      role={role}
      canWrite={session.scope === "write"}
      instructionConflict={instructionConflict}
      now={c.get("deps").clock.now()}
      {...extra}
    />,
    status,
  );
}

/** The page an action lands on says what was just done (`?done=`). */
const doneOf = (c: C) => {
  const done = c.req.query("done");
  return isDone(done) ? done : undefined;
};

export const decisionPage = (c: C) => renderDecision(c, { done: doneOf(c) });

export async function approve(c: C) {
  const form = await c.req.parseBody();
  const comment = typeof form.comment === "string" && form.comment.trim() ? form.comment.trim().slice(0, 2000) : undefined;
  // approving against the instruction: the amendment is asked for explicitly, with its reason
  const amend = form.amend_instruction === "with_transfer_mechanism";
  const amendmentReason = typeof form.amendment_reason === "string" ? form.amendment_reason.trim().slice(0, 2000) : "";
  if (amend && !amendmentReason) return renderDecision(c, { approveError: t(pickLang(c)).amendment_reason_required, comment }, 422);
  const amendment = amend ? { third_country_transfers: "with_transfer_mechanism" as const, reason: amendmentReason } : undefined;
  // amending the instruction cannot be undone: a step that says so comes first
  if (amend && form.confirmed !== "1") {
    const session = c.get("session");
    const m = t(pickLang(c));
    const id = c.req.param("id")!;
    return html(
      c,
      <ConfirmPage
        {...pageOf(c, session)}
        title={m.confirm_amendment_title}
        text={m.confirm_amendment(MESSAGES[pickLang(c)].instruction.prohibited, MESSAGES[pickLang(c)].instruction.with_transfer_mechanism)}
        action={`/console/decisions/${id}/approve`}
        fields={{ amend_instruction: "with_transfer_mechanism", amendment_reason: amendmentReason, ...(comment ? { comment } : {}) }}
        back={`/console/decisions/${id}`}
      />,
    );
  }
  return act(c, () => decide({ ctx: ctx(c), id: c.req.param("id")!, verb: "approve", comment, amendment }), { comment }, "approved");
}

export async function object(c: C) {
  const form = await c.req.parseBody();
  const reason = typeof form.reason === "string" ? form.reason.trim().slice(0, 2000) : "";
  const chosen = typeof form.ground === "string" ? form.ground : "";
  const ground = OBJECTION_GROUNDS.find((g) => g === chosen);
  const share = form.share_with_upstream === "yes";
  // docs/rules.md, rule 6: no objection without a concrete reason and its ground; nothing is decided
  if (!reason || !ground) {
    const m = t(pickLang(c));
    return renderDecision(
      c,
      { error: reason ? undefined : m.objection_reason_required, groundError: ground ? undefined : m.objection_ground_required, reason, ground: chosen, share },
      422,
    );
  }
  return act(c, () => decide({ ctx: ctx(c), id: c.req.param("id")!, verb: "object", reason, ground, shareWithUpstream: share }), { reason, ground, share }, "objected");
}

/** The processor answers an objection, once (docs/rules.md, rule 6): an answer and a note of what it will do. */
export async function respond(c: C) {
  const form = await c.req.parseBody();
  const note = typeof form.note === "string" ? form.note.trim().slice(0, 2000) : "";
  const chosen = typeof form.response === "string" ? form.response : "";
  const response = OBJECTION_RESPONSES.find((r) => r === chosen);
  if (!note || !response) return renderDecision(c, { respondError: t(pickLang(c)).respond_required, response: chosen, note }, 422);
  const conflict = t(pickLang(c)).respond_conflict;
  return act(c, () => respondToObjection({ ctx: ctx(c), id: c.req.param("id")!, response, note }), { response, note }, "responded", conflict);
}

/** The controller asks the processor a question before it decides (docs/rules.md, rule 13). */
export async function ask(c: C) {
  const form = await c.req.parseBody();
  const question = typeof form.question === "string" ? form.question.trim().slice(0, 4000) : "";
  if (!question) return renderDecision(c, { askError: t(pickLang(c)).ask_required, question }, 422);
  return act(c, () => askQuestion({ ctx: ctx(c), id: c.req.param("id")!, question }), { question }, "asked");
}

/** The processor answers one of the controller's questions, once (docs/rules.md, rule 13). */
export async function answer(c: C) {
  const form = await c.req.parseBody();
  const text = typeof form.answer === "string" ? form.answer.trim().slice(0, 4000) : "";
  const questionId = c.req.param("question")!;
  if (!text) return renderDecision(c, { answerError: t(pickLang(c)).answer_required, answer: text, answerFor: questionId }, 422);
  const conflict = t(pickLang(c)).answer_conflict;
  return act(c, () => answerQuestion({ ctx: ctx(c), id: c.req.param("id")!, questionId, answer: text }), { answer: text, answerFor: questionId }, "answered", conflict);
}

async function act(c: C, run: () => Promise<unknown>, kept: DecisionExtra, done: Done, conflict: boolean | string = true) {
  try {
    await run();
  } catch (err) {
    if (err instanceof AppError && err.code === "invalid_state") return renderDecision(c, { conflict }, 409);
    if (err instanceof AppError && err.code === "instruction_conflict") return renderDecision(c, { approveError: t(pickLang(c)).amendment_required, ...kept }, 409);
    if (err instanceof AppError && err.code === "notice_only") return renderDecision(c, { approveError: t(pickLang(c)).notice_explainer, ...kept }, 409);
    if (err instanceof AppError && err.code === "validation_failed") return renderDecision(c, { error: err.message, ...kept }, 422);
    throw err;
  }
  return c.redirect(`/console/decisions/${c.req.param("id")}?done=${done}`, 303);
}

/** The processor withdraws one agreement's decision: a confirmation first, then the POST. */
export async function withdrawDecisionConfirm(c: C) {
  const d = await getDecision({ ctx: ctx(c), id: c.req.param("id")! });
  const m = t(pickLang(c));
  return html(
    c,
    <ConfirmPage
      {...pageOf(c, c.get("session"))}
      title={m.withdraw_confirm_title}
      text={m.withdraw_confirm_one(d.agreement.title)}
      action={`/console/decisions/${d.id}/withdraw`}
      back={`/console/decisions/${d.id}`}
    />,
  );
}

export async function withdrawDecision(c: C) {
  if ((await c.req.parseBody()).confirmed !== "1") return withdrawDecisionConfirm(c);
  return act(c, () => decide({ ctx: ctx(c), id: c.req.param("id")!, verb: "withdraw" }), {}, "withdrawn");
}

export async function agreementPage(c: C) {
  const session = c.get("session");
  const id = c.req.param("id")!;
  const agreement = await getAgreement({ ctx: ctx(c), id });
  const active = agreement.status === "active";
  const annex = active ? await getAnnex({ ctx: ctx(c), agreementId: id }) : null;
  const versions = active ? (await listAnnexVersions({ ctx: ctx(c), agreementId: id, limit: 100 })).data : [];
  const decisions = await allDecisions(ctx(c), { agreement_id: id });
  const terms = (await listTerms({ ctx: ctx(c), id })).data;
  return html(
    c,
    <AgreementPage
      terms={terms}
      {...pageOf(c, session)}
      agreement={{ id, title: agreement.title, status: agreement.status, processorName: agreement.processor.name, controllerName: agreement.controller.name }}
      annex={annex}
      versions={versions}
      decisions={decisions}
    />,
  );
}

export async function agreementDocument(c: C) {
  const source = await getAnnexDocumentSource({ ctx: ctx(c), agreementId: c.req.param("id")! });
  const body = await renderHtml(buildDocumentView(source, pickLang(c)));
  return c.body(body, 200, { ...NO_STORE, "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'" });
}

export async function requestsPage(c: C) {
  const session = c.get("session");
  const requests = await allChangeRequests(ctx(c));
  // the processor's own upstream changes its requests pass on (docs/rules.md, rule 14): their deadlines beside the notices
  const upstream = await upstreamChangesByIds({ ctx: ctx(c), ids: requests.flatMap((r) => (r.upstream_change_id ? [r.upstream_change_id] : [])) });
  const summaries = requests.map((r) => ({
    id: r.id,
    reason: r.reason,
    submitted_at: r.submitted_at,
    processorId: r.processor_id,
    decisions: r.decisions,
    upstream: r.upstream_change_id ? upstream.get(r.upstream_change_id) : null,
  }));
  return html(c, <RequestsPage {...pageOf(c, session)} requests={summaries} organisationId={session.organisationId} canWrite={session.scope === "write"} done={doneOf(c)} />);
}

/** Withdrawing a change from every agreement where it is pending: the confirmation says how many. */
export async function withdrawRequestConfirm(c: C) {
  const id = c.req.param("id")!;
  const request = await getChangeRequest({ ctx: ctx(c), id });
  const m = t(pickLang(c));
  const pending = request.decisions.filter(stillOpen).length;
  return html(
    c,
    <ConfirmPage
      {...pageOf(c, c.get("session"))}
      title={m.withdraw_confirm_title}
      text={m.withdraw_confirm_all(pending)}
      action={`/console/requests/${id}/withdraw`}
      back="/console/requests"
    />,
  );
}

export async function withdraw(c: C) {
  if ((await c.req.parseBody()).confirmed !== "1") return withdrawRequestConfirm(c);
  try {
    await withdrawChangeRequest({ ctx: ctx(c), id: c.req.param("id")! });
  } catch (err) {
    if (!(err instanceof AppError && err.code === "invalid_state")) throw err;
  }
  return c.redirect("/console/requests?done=withdrawn_all", 303);
}

/** Errors as console pages: another organisation's resource is the same 404 as a missing one. */
export function consoleError(err: Error, c: C) {
  const page = pageOf(c, c.get("session"));
  const m = t(page.lang);
  if (err instanceof AppError && err.code === "not_found") return html(c, <MessagePage {...page} title={m.not_found_title} message={m.not_found} />, 404);
  if ((err instanceof AppError && (err.code === "forbidden" || err.code === "invalid_state")) || (err instanceof HTTPException && err.status === 403))
    return html(c, <MessagePage {...page} title={m.forbidden_title} message={m.forbidden} />, 403);
  if (err instanceof HTTPException && err.status < 500) return html(c, <MessagePage {...page} title={m.forbidden_title} message={m.forbidden} />, err.status);
  c.get("deps").logger.error("console error", { request_id: c.get("requestId"), error: String(err), stack: err.stack });
  return html(c, <MessagePage {...page} title={m.error_title} message={m.error} />, 500);
}

export const consoleNotFound = (c: C) => {
  const page = pageOf(c, c.get("session"));
  const m = t(page.lang);
  return html(c, <MessagePage {...page} title={m.not_found_title} message={m.not_found} />, 404);
};
