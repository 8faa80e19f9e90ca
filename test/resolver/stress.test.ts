import assert from "node:assert/strict";
import { test } from "node:test";
import { resolve } from "../../src/resolver/index.ts";
import { InMemoryProvider, optionsFor } from "./in-memory-provider.ts";
import { syntheticUniverse } from "./synthetic-universe.ts";

// The size of the `xl` benchmark set, with 80 backtracks. A solver with work quadratic in the
// partial solution takes minutes here; its speed is measured by `bench/resolver.ts`, not asserted.
test("resolves an 800-package graph with backtracking to the newest consistent versions", async () => {
  const count = 800;
  const resolution = await resolve(
    new InMemoryProvider(syntheticUniverse(count)),
    optionsFor(["p0"]),
  );
  assert.equal(resolution.packages.length, count);
  for (const p of resolution.packages) {
    const broken = Number(p.name.slice(1)) % 10 === 0;
    assert.equal(p.version.toString(), broken ? "29.0" : "30.0", p.name);
  }
});
