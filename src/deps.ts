import type { Db } from "../db/client";
import type { IdGenerator } from "./domain/ids";

/** The service's notion of now; tests and test mode move it, production reads the system clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that only moves when told to: the test clock of TEST_CLOCK=1 and of the tests. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(to: Date): void {
    this.current = new Date(to.getTime());
  }
  advance(ms: number): Date {
    this.current = new Date(this.current.getTime() + ms);
    return this.now();
  }
}

export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export const jsonLogger: Logger = {
  info: (msg, fields) => console.log(JSON.stringify({ level: "info", msg, ...fields })),
  error: (msg, fields) => console.error(JSON.stringify({ level: "error", msg, ...fields })),
};

export const silentLogger: Logger = { info: () => {}, error: () => {} };

/** Everything a request or a job needs, built once by an entry from parsed configuration. */
export interface Deps {
  db: Db;
  clock: Clock;
  newId: IdGenerator;
  logger: Logger;
  /** present only in test mode (TEST_CLOCK=1): the clock an operator may move */
  testClock?: ManualClock;
}
