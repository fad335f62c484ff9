import { Hono } from "hono";
import { csrf } from "hono/csrf";
import * as h from "./console.handlers";
import * as p from "./people.handlers";
import * as sso from "./sso.handlers";

/**
 * The decision console: server-rendered pages under /console, for people signed in by an e-mail
 * link or their organisation's single sign-on (not the /v1 API key middleware). Every action calls
 * the same service verbs as the API, as the person, so audit records and events name them.
 */
export const consoleRouter = new Hono<h.ConsoleEnv>();

/** Pages reachable without a session: signing in in its ways, and the language switch. */
const OPEN = new Set(["/console/sign-in", "/console/sign-in/link", "/console/lang", "/console/sso/start", "/console/sso/callback"]);

// the origin check on every form post, in front of the per-session token
// (Hono's "/console/*" matches /console itself too)
consoleRouter.use("/console/*", csrf());
consoleRouter.get("/console/sign-in", (c) => p.signInForm(c));
consoleRouter.post("/console/sign-in", p.signInSubmit);
consoleRouter.get("/console/sign-in/link", p.linkPage);
consoleRouter.post("/console/sign-in/link", p.linkSubmit);
consoleRouter.post("/console/sso/start", sso.ssoStart);
consoleRouter.get("/console/sso/callback", sso.ssoCallback);
consoleRouter.get("/console/lang", h.switchLang);

consoleRouter.use("/console/*", async (c, next) => {
  if (OPEN.has(c.req.path)) return next();
  return h.requireSession(c, async () => h.checkForm(c, next));
});

consoleRouter.get("/console", h.inbox);
consoleRouter.post("/console/sign-out", p.signOut);
consoleRouter.get("/console/decisions/:id", h.decisionPage);
consoleRouter.post("/console/decisions/:id/approve", h.approve);
consoleRouter.post("/console/decisions/:id/object", h.object);
consoleRouter.post("/console/decisions/:id/objection-response", h.respond);
consoleRouter.post("/console/decisions/:id/questions", h.ask);
consoleRouter.post("/console/decisions/:id/questions/:question/answer", h.answer);
consoleRouter.get("/console/agreements/:id", h.agreementPage);
consoleRouter.get("/console/agreements/:id/document", h.agreementDocument);
consoleRouter.get("/console/decisions/:id/withdraw", h.withdrawDecisionConfirm);
consoleRouter.post("/console/decisions/:id/withdraw", h.withdrawDecision);
consoleRouter.get("/console/requests/:id/withdraw", h.withdrawRequestConfirm);
consoleRouter.get("/console/requests", h.requestsPage);
consoleRouter.post("/console/requests/:id/withdraw", h.withdraw);
consoleRouter.get("/console/people", p.peoplePage);
consoleRouter.post("/console/people", p.invite);
consoleRouter.post("/console/people/:id", p.updatePerson);
consoleRouter.get("/console/account", p.accountPage);
consoleRouter.post("/console/account", p.saveAccount);
consoleRouter.all("/console/*", h.consoleNotFound);
consoleRouter.onError(h.consoleError);

/** A mail's unsubscribe link, outside the console: a mail client's one-click POST carries no session and no origin. */
export const mailLinksRouter = new Hono<h.ConsoleEnv>();
mailLinksRouter.on(["GET", "POST"], "/mail/unsubscribe", (c) => p.unsubscribePage(c as never));
