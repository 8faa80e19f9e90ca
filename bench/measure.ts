// Timing helpers shared by the benchmark scripts. Benchmarks report medians (robust to the
// noise of shared machines) and ratios against the tool Puffin replaces, measured in the same run.
import { spawnSync } from "node:child_process";

/** The median of some samples (the upper one of the middle pair for an even count). */
export function median(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Milliseconds since `start` (a `process.hrtime.bigint()` reading). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Wall time of one synchronous action, in milliseconds. */
export function timeMs(action: () => void): number {
  const start = process.hrtime.bigint();
  action();
  return msSince(start);
}

/**
 * Median wall time of `runs` runs of `command ARGS…` (output discarded), or undefined when any run
 * fails. `eachRun` may add arguments to one run and clean up after it, outside the timed part.
 */
export function medianCommandMs(
  command: string,
  args: readonly string[],
  options: { runs: number; eachRun?: () => { args: string[]; cleanup(): void } },
): number | undefined {
  const samples: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const run = options.eachRun?.();
    const start = process.hrtime.bigint();
    const result = spawnSync(command, [...args, ...(run?.args ?? [])], { stdio: "ignore" });
    samples.push(msSince(start));
    run?.cleanup();
    if (result.status !== 0) return undefined;
  }
  return median(samples);
}

/** A median with the range it was taken from. */
export interface Summary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function summarize(samples: readonly number[]): Summary {
  return { median: median(samples), min: Math.min(...samples), max: Math.max(...samples) };
}

/** One command line to time, with what to undo after it (outside the timed part). */
export interface TimedCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cleanup?: () => void;
}

/** One side of a comparison: `prepare(run)` does the untimed set-up and names the command. */
export interface Contender {
  readonly tool: string;
  /** A floor to read the others against (Node's own startup), not a peer: never charted. */
  readonly reference?: boolean;
  /** Run numbers count from 0; warm-up runs have negative numbers. */
  prepare(run: number): TimedCommand;
}

/** Wall time of one command, in milliseconds; throws with its stderr tail when it fails. */
export function timeCommand(timed: TimedCommand): number {
  const start = process.hrtime.bigint();
  const result = spawnSync(timed.command, timed.args, {
    stdio: ["ignore", "ignore", "pipe"],
    env: timed.env,
    maxBuffer: 1 << 26,
  });
  const ms = msSince(start);
  timed.cleanup?.();
  if (result.status !== 0) {
    const tail =
      result.error?.message ?? result.stderr.toString().trim().split("\n").slice(-8).join("\n");
    throw new Error(`${timed.command} ${timed.args.join(" ")} failed:\n${tail}`);
  }
  return ms;
}

/** A contender's samples, or why it stopped (its first failure ends its part of the comparison). */
export type Outcome = { readonly samples: number[] } | { readonly failed: string };

/**
 * Runs the contenders alternately, one run of each in turn (so a change of machine load hits
 * them alike), `warmups` unrecorded rounds first. Sample i of every contender comes from the
 * same round, which makes per-round ratios fair.
 */
export function compareAlternately(
  contenders: readonly Contender[],
  options: { warmups: number; runs: number },
): Outcome[] {
  const outcomes: Outcome[] = contenders.map(() => ({ samples: [] }));
  for (let run = -options.warmups; run < options.runs; run++) {
    contenders.forEach((contender, i) => {
      const outcome = outcomes[i]!;
      if ("failed" in outcome) return;
      try {
        const ms = timeCommand(contender.prepare(run));
        if (run >= 0) outcome.samples.push(ms);
      } catch (error) {
        outcomes[i] = { failed: error instanceof Error ? error.message : String(error) };
      }
    });
  }
  return outcomes;
}
