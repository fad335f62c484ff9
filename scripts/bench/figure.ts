import { Bench } from "tinybench";

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

/**
 * Times tasks with tinybench, the same number of iterations each: each task's mean, min, median
 * and max in milliseconds. Setup and teardown hooks run outside the measured time.
 */
export async function timeMs(tasks: Timed[], iterations: number, warmup = 0): Promise<Record<string, Spread & { mean: number }>> {
  const bench = new Bench({ iterations, time: 0, warmup: warmup > 0, warmupIterations: warmup, warmupTime: 0, throws: true });
  for (const t of tasks)
    bench.add(
      t.name,
      async () => {
        await t.run();
      },
      { beforeEach: t.before, afterEach: t.after },
    );
  await bench.run();
  const out: Record<string, Spread & { mean: number }> = {};
  for (const t of tasks) {
    const result = bench.getTask(t.name)?.result as { latency?: { mean: number; min: number; max: number; p50?: number }; error?: unknown } | undefined;
    if (result?.error) throw result.error;
    const latency = result?.latency;
    if (!latency?.mean) throw new Error(`${t.name}: no result`);
    out[t.name] = { mean: latency.mean, min: latency.min, median: latency.p50 ?? latency.mean, max: latency.max };
  }
  return out;
}
