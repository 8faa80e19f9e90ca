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
