import { type Client, createClient, type InStatement, type Transaction } from "@libsql/client";

/** A FIFO async lock: one holder at a time, the rest wait without blocking the event loop. */
class WriteLock {
  private tail: Promise<void> = Promise.resolve();
  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => held);
    return ready;
  }
}

const READ_ONLY = /^\s*(SELECT|WITH\s[\s\S]*?\)\s*SELECT|EXPLAIN)\b/i;
const isRead = (stmt: InStatement) => READ_ONLY.test(typeof stmt === "string" ? stmt : stmt.sql);

/**
 * Opens a libSQL database. For a local file the driver is synchronous, and SQLite lets one
 * connection write at a time: a second writer would wait for the lock inside a synchronous
 * call, blocking the event loop — and with it the transaction that holds the lock. So writes
 * of this process take turns on an async lock first; SQLite's busy timeout is left for writers
 * in other processes (a second service, a migration).
 */
export function openDatabase(url: string, authToken?: string): Client {
  if (!url.startsWith("file:")) return createClient({ url, authToken });
  const client = createClient({ url, authToken, timeout: 5000 });
  const lock = new WriteLock();
  const locked = async <T>(run: () => Promise<T>): Promise<T> => {
    const release = await lock.acquire();
    try {
      return await run();
    } finally {
      release();
    }
  };
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      const fn = value as (...a: unknown[]) => Promise<unknown>;
      switch (prop) {
        case "execute":
          return (stmt: InStatement, ...rest: unknown[]) => (isRead(stmt) ? fn.call(target, stmt, ...rest) : locked(() => fn.call(target, stmt, ...rest)));
        case "batch":
        case "executeMultiple":
        case "migrate":
          return (...args: unknown[]) => locked(() => fn.apply(target, args));
        case "transaction":
          return async (...args: unknown[]) => {
            const release = await lock.acquire();
            try {
              return holdUntilDone((await fn.apply(target, args)) as Transaction, release);
            } catch (err) {
              release();
              throw err;
            }
          };
        default:
          return fn.bind(target);
      }
    },
  });
}

/** The transaction keeps the lock until it commits, rolls back or closes. */
function holdUntilDone(tx: Transaction, release: () => void): Transaction {
  let released = false;
  const done = () => {
    if (!released) {
      released = true;
      release();
    }
  };
  return new Proxy(tx, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      if (prop === "commit" || prop === "rollback")
        return async (...args: unknown[]) => {
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          } finally {
            done();
          }
        };
      if (prop === "close")
        return (...args: unknown[]) => {
          try {
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          } finally {
            done();
          }
        };
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}
