// What the Worker bundle has in place of zod's `z.compile` (wrangler.toml [alias]): the register never
// compiles a schema, and on Workers, which refuse code built at run time, zod would parse without it anyway.
// The names are those zod's own modules re-export; the functions say what is missing if ever called.

const absent = (): never => {
  throw new Error("z.compile is not in the Worker bundle (wrangler.toml [alias])");
};

export const INVALID = Symbol.for("zod.compile.invalid");
export class ZodCompileAsyncError extends Error {}
export class ZodCompileUnsupportedError extends Error {}
export const compile = absent;
export const compileFn = absent;
export const withParser = absent;
