// What the reliability tests share: how many rounds they run, a seeded random generator (so a
// failing round can be replayed), and where their figures go.
//
// `npm test` runs each reliability test's fast subset (a few rounds); `npm run test:reliability`
// (scripts/reliability.mjs) sets PUFFIN_RELIABILITY_ROUNDS and PUFFIN_RELIABILITY_FIGURES and
// prints the figures each test reported: the numbers in RELIABILITY.md.
import { appendFileSync } from "node:fs";
import { basename } from "node:path";
import type { TestContext } from "node:test";

/** Rounds of a repeated scenario: PUFFIN_RELIABILITY_ROUNDS, else `fast` (the `npm test` count). */
export function rounds(fast: number): number {
  const given = Number(process.env["PUFFIN_RELIABILITY_ROUNDS"]);
  return Number.isInteger(given) && given > 0 ? given : fast;
}

/** PUFFIN_RELIABILITY_SEED, else one drawn now (printed with the figures, to replay a run). */
export const SEED = Number(process.env["PUFFIN_RELIABILITY_SEED"] || Date.now() % 100_000);

/** Mulberry32: a small seeded generator of numbers in [0, 1). */
export function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Reports a test's figures: as a diagnostic of the test, and as a JSON line in the file
 * PUFFIN_RELIABILITY_FIGURES names (when set), tagged with the test file and the test's name.
 */
export function reportFigures(
  t: TestContext,
  file: string,
  figures: Record<string, number | string>,
): void {
  const text = Object.entries(figures)
    .map(([key, value]) => `${key}: ${value}`)
    .join(", ");
  t.diagnostic(text);
  const target = process.env["PUFFIN_RELIABILITY_FIGURES"];
  if (target !== undefined && target !== "") {
    const line = { file: basename(file), test: t.name, figures };
    appendFileSync(target, `${JSON.stringify(line)}\n`);
  }
}
