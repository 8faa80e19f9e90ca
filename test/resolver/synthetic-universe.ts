import type { Universe } from "./in-memory-provider.ts";

/**
 * A synthetic graph the size of the `xl` benchmark set: `count` packages `p0…`, 30 versions each,
 * every package depending on three others; the newest version of every tenth package asks for a
 * version that does not exist, so the solver backtracks `count / 10` times. The expected answer:
 * every package at 30.0, except the broken ones at 29.0.
 */
export function syntheticUniverse(count: number): Universe {
  const universe: Record<string, Record<string, string[]>> = {};
  for (let i = 0; i < count; i++) {
    const versions: Record<string, string[]> = {};
    for (let v = 1; v <= 30; v++) {
      const requires: string[] = [];
      for (const step of [1, 7, 31]) {
        const j = i + step;
        if (j < count) requires.push(`p${j}>=${v === 30 && i % 10 === 0 ? 31 : 1}`);
      }
      versions[`${v}.0`] = requires;
    }
    universe[`p${i}`] = versions;
  }
  return universe as Universe;
}
