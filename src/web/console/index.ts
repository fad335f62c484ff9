import { Hono } from "hono";
import { csrf } from "hono/csrf";
import * as h from "./console.handlers";

/**
 * The decision console: server-rendered pages under /console with their own
 * session sign-in (not the /v1 API key middleware). Every action calls the same service
 * verbs as the API, so the audit records and events are the same.
 */
export const consoleRouter = new Hono<h.ConsoleEnv>();

// the origin check on every form post, in front of the per-session token
consoleRouter.use("/console/*", csrf());
consoleRouter.use("/console", csrf());
consoleRouter.get("/console/sign-in", h.signInForm);
consoleRouter.post("/console/sign-in", h.signInSubmit);
consoleRouter.get("/console/lang", h.switchLang);

consoleRouter.use("/console", h.requireSession);
consoleRouter.use("/console/*", async (c, next) => {
  const p = c.req.path;
  if (p === "/console/sign-in" || p === "/console/lang") return next();
  return h.requireSession(c, async () => h.checkForm(c, next));
});

consoleRouter.get("/console", h.inbox);
consoleRouter.post("/console/sign-out", h.signOut);
consoleRouter.get("/console/decisions/:id", h.decisionPage);
consoleRouter.post("/console/decisions/:id/approve", h.approve);
consoleRouter.post("/console/decisions/:id/object", h.object);
consoleRouter.get("/console/agreements/:id", h.agreementPage);
consoleRouter.get("/console/agreements/:id/document", h.agreementDocument);
consoleRouter.get("/console/decisions/:id/withdraw", h.withdrawDecisionConfirm);
consoleRouter.post("/console/decisions/:id/withdraw", h.withdrawDecision);
consoleRouter.get("/console/requests/:id/withdraw", h.withdrawRequestConfirm);
consoleRouter.get("/console/requests", h.requestsPage);
consoleRouter.post("/console/requests/:id/withdraw", h.withdraw);
consoleRouter.all("/console/*", h.consoleNotFound);
consoleRouter.onError(h.consoleError);
