export * from "./agreements";
export * from "./change-requests";
export * from "./events";
export * from "./organisations";
export * from "./webhooks";
export * from "./audit";
export * from "./public-pages";
export * from "./console-sessions";
