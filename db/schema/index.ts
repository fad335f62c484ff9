export * from "./agreements";
export * from "./organisations";
