import assert from "node:assert/strict";
import { test } from "node:test";
import { resolve } from "../../src/resolver/index.ts";
import { InMemoryProvider, optionsFor, type Universe } from "./in-memory-provider.ts";

// A synthetic graph the size of the `xl` benchmark set (~800 packages, 30 versions each, every
// package depending on three others; the newest version of every tenth package asks for a version
// that does not exist, so the solver backtracks 80 times).
// It guards against work quadratic in the size of the partial solution; the bound is generous so
// a loaded machine does not make it flaky, while a quadratic solver takes far longer.
test("resolves an 800-package graph with backtracking quickly", async () => {
  const count = 800;
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
  const started = performance.now();
  const resolution = await resolve(new InMemoryProvider(universe as Universe), optionsFor(["p0"]));
  const elapsed = performance.now() - started;
  assert.equal(resolution.packages.length, count);
  for (const p of resolution.packages) {
    const broken = Number(p.name.slice(1)) % 10 === 0;
    assert.equal(p.version.toString(), broken ? "29.0" : "30.0", p.name);
  }
  assert.ok(elapsed < 1000, `took ${elapsed.toFixed(0)} ms`);
});
