import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OnceMap } from "../../src/support/index.ts";

describe("OnceMap", () => {
  it("runs concurrent work for one key once and shares the result", async () => {
    const map = new OnceMap<string, number>();
    let calls = 0;
    const work = async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return 42;
    };
    assert.deepEqual(
      await Promise.all([map.run("a", work), map.run("a", work), map.run("b", work)]),
      [42, 42, 42],
    );
    assert.equal(calls, 2);
    assert.equal(map.size, 0);
  });

  it("forgets settled work, including failures (even synchronous throws)", async () => {
    const map = new OnceMap<string, number>();
    await assert.rejects(
      map.run("a", () => {
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal(map.size, 0);
    assert.equal(await map.run("a", async () => 1), 1);
  });
});
