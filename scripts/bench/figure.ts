import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** One benchmark figure: the product's value beside its baseline from the same run. */
export interface Figure {
  value: number;
  baseline: number;
  /** value ÷ baseline */
  ratio: number;
  /** the goal, e.g. "ratio >= 0.5" */
  goal: string;
  unit: string;
  met: boolean;
  /** the product's value over the repetitions: min / median / max */
  spread?: Spread;
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

export const round = (n: number, digits = 3) => Number(n.toFixed(digits));

export function figure(value: number, baseline: number, unit: string, goal: { ratio: ">=" | "<="; limit: number }, digits = 1, spread?: Spread): Figure {
  const ratio = round(value / baseline);
  return {
    ...(spread ? { spread: { min: round(spread.min, digits), median: round(spread.median, digits), max: round(spread.max, digits) } } : {}),
    value: round(value, digits),
    baseline: round(baseline, digits),
    ratio,
    goal: `ratio ${goal.ratio} ${goal.limit}`,
    unit,
    met: goal.ratio === ">=" ? ratio >= goal.limit : ratio <= goal.limit,
  };
}

export interface Timed {
  name: string;
  run: () => Promise<unknown>;
  /** run before each measured iteration, outside the timing */
  before?: () => Promise<void>;
  after?: () => Promise<void>;
}

setFlagsFromString("--expose-gc");
/** V8's full collection, from a fresh context where the flag above made `gc` a global. */
const collectGarbage = runInNewContext("gc") as () => void;

/**
 * Times tasks the same number of iterations each, taking turns: the first iteration of every
 * task, then the second of every task, and so on, so that the machine's drift (this one's disk
 * and CPU change speed by a tenth within minutes) falls on every side alike instead of on the
 * side that ran last. Returns each task's mean, min, median and max in milliseconds. `warmup`
 * untimed turns come first. Setup and teardown hooks run outside the measured time, and each
 * measured iteration starts on a collected heap: the garbage of the hooks (a baseline's rows
 * read back and encoded, a database seeded) is not collected on the time of the next iteration,
 * whichever side it is.
 */
export async function timeMs(tasks: Timed[], iterations: number, warmup = 0): Promise<Record<string, Spread & { mean: number }>> {
  const samples = new Map<string, number[]>(tasks.map((t) => [t.name, []]));
  for (let turn = 0; turn < warmup + iterations; turn++)
    for (const t of tasks) {
      await t.before?.();
      collectGarbage();
      const started = performance.now();
      await t.run();
      const ms = performance.now() - started;
      await t.after?.();
      if (turn >= warmup) samples.get(t.name)!.push(ms);
    }
  const out: Record<string, Spread & { mean: number }> = {};
  for (const [name, ms] of samples) {
    const sorted = [...ms].sort((x, y) => x - y);
    const mid = sorted.length >> 1;
    out[name] = {
      mean: ms.reduce((sum, x) => sum + x, 0) / ms.length,
      min: sorted[0]!,
      median: sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2,
      max: sorted.at(-1)!,
    };
  }
  return out;
}
