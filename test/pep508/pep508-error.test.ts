import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Pep508Error, Requirement } from "../../src/pep508/index.ts";
import { PuffinError } from "../../src/support/index.ts";

describe("Pep508Error", () => {
  test("is a PuffinError whose message renders the input with carets under the span", () => {
    const error = new Pep508Error("invalid-requirement", {
      reason: "Expected one of `@`, `(`, `<`, `=`, `>`, `~`, `!`, `;`, found `/`",
      input: "numpy/",
      start: 5,
      length: 1,
    });
    assert.ok(error instanceof PuffinError);
    assert.equal(error.code, "invalid-requirement");
    assert.equal(
      error.message,
      "Expected one of `@`, `(`, `<`, `=`, `>`, `~`, `!`, `;`, found `/`\nnumpy/\n     ^",
    );
    assert.equal(error.reason, "Expected one of `@`, `(`, `<`, `=`, `>`, `~`, `!`, `;`, found `/`");
    assert.deepEqual([error.input, error.start, error.length], ["numpy/", 5, 1]);
  });

  test("draws one caret for an empty span and counts an astral character as one column", () => {
    const atEnd = new Pep508Error("invalid-marker", {
      reason: "r",
      input: "ab",
      start: 2,
      length: 0,
    });
    assert.equal(atEnd.message, "r\nab\n  ^");
    const astral = new Pep508Error("invalid-marker", {
      reason: "r",
      input: "🐍x y",
      start: 2,
      length: 1,
    });
    assert.equal(astral.message, "r\n🐍x y\n ^");
  });

  test("keeps a hint and a cause", () => {
    const cause = new PuffinError("invalid-url", "bad");
    const error = new Pep508Error(
      "invalid-requirement",
      { reason: "bad", input: "x @ y", start: 4, length: 1 },
      { hint: "try z", cause },
    );
    assert.equal(error.hint, "try z");
    assert.equal(error.cause, cause);
  });

  test("masks credentials in the rendered input and keeps the carets under the span", () => {
    const input = "pkg @ https://user:s3cret@example.com/pkg.whl extra";
    const error = assertThrowsPep508(() => Requirement.parse(input));
    assert.ok(!error.message.includes("s3cret"), error.message);
    const [, line, carets] = error.message.split("\n");
    assert.equal(line, "pkg @ https://user:****@example.com/pkg.whl extra");
    assert.equal(line!.slice(carets!.indexOf("^")).startsWith("extra"), true, error.message);
  });
});

function assertThrowsPep508(run: () => unknown): Pep508Error {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof Pep508Error);
    return error;
  }
  assert.fail("expected a Pep508Error");
}
