import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Semaphore } from "../../src/support/index.ts";

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("Semaphore", () => {
  it("runs at most `permits` pieces of work at once, in arrival order", async () => {
    const semaphore = new Semaphore(3);
    const started: number[] = [];
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        semaphore.run(async () => {
          started.push(i);
          running++;
          peak = Math.max(peak, running);
          await tick(2);
          running--;
          return i * 2;
        }),
      ),
    );
    assert.deepEqual(
      results,
      Array.from({ length: 10 }, (_, i) => i * 2),
    );
    assert.equal(peak, 3);
    assert.equal(semaphore.peak, 3);
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(semaphore.running, 0);
    assert.equal(semaphore.waiting, 0);
  });

  it("releases the permit when work fails", async () => {
    const semaphore = new Semaphore(1);
    await assert.rejects(
      semaphore.run(async () => {
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal(await semaphore.run(async () => "next"), "next");
    assert.equal(semaphore.running, 0);
  });

  it("rejects a limit that is not a positive integer", () => {
    for (const permits of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => new Semaphore(permits), { code: "invalid-concurrency" });
    }
  });
});
