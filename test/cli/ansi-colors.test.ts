import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createColors } from "../../src/cli/ansi-colors.ts";

describe("createColors", () => {
  const { bold, dim, red, green, cyan } = createColors(true);

  test("wraps text in the style's SGR open and close sequences", () => {
    assert.equal(red("error"), "\x1b[31merror\x1b[39m");
    assert.equal(bold("x"), "\x1b[1mx\x1b[22m");
    assert.equal(cyan("/tmp/cache"), "\x1b[36m/tmp/cache\x1b[39m");
  });

  test("different styles nest; an inner close of the same kind re-opens the outer style", () => {
    assert.equal(bold(red("error")), "\x1b[1m\x1b[31merror\x1b[39m\x1b[22m");
    assert.equal(
      red(`a ${green("b")} c`),
      "\x1b[31ma \x1b[32mb\x1b[39m\x1b[31m c\x1b[39m",
      "the text after green is red again",
    );
    assert.equal(bold(`a ${dim("b")} c`), "\x1b[1ma \x1b[2mb\x1b[22m\x1b[1m c\x1b[22m");
  });

  test("leaves text unchanged when color is off", () => {
    const plain = createColors(false);
    for (const style of Object.values(plain)) assert.equal(style("text"), "text");
  });
});
