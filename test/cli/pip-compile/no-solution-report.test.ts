import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createColors } from "../../../src/cli/ansi-colors.ts";
import { formatElapsed } from "../../../src/cli/elapsed.ts";
import { renderNoSolution } from "../../../src/cli/pip-compile/no-solution-report.ts";

describe("renderNoSolution (uv's report shape)", () => {
  test("one sentence, no hints", () => {
    assert.equal(
      renderNoSolution(
        "Because you require a>=2 and only a<2 is available, we can conclude that your requirements are unsatisfiable.",
        [],
      ),
      "  × No solution found when resolving dependencies:\n  ╰─▶ Because you require a>=2 and only a<2 is available, we can conclude that your requirements are unsatisfiable.\n",
    );
  });
  test("a universal resolution's fork names its split in the heading", () => {
    assert.equal(
      renderNoSolution(
        "Because you require a<2 and only a>=2 is available, …",
        [],
        "No solution found when resolving dependencies for split (markers: sys_platform == 'darwin'):",
      ),
      "  × No solution found when resolving dependencies for split (markers: sys_platform == 'darwin'):\n  ╰─▶ Because you require a<2 and only a>=2 is available, …\n",
    );
  });
  test("continuation lines and hints are indented under the arrow", () => {
    assert.equal(
      renderNoSolution(
        "Because a==1 depends on b>=2, a==1 cannot be used.\nAnd because you require a==1, …",
        ["Pre-releases are available for b", "two\nlines"],
      ),
      [
        "  × No solution found when resolving dependencies:",
        "  ╰─▶ Because a==1 depends on b>=2, a==1 cannot be used.",
        "      And because you require a==1, …",
        "",
        "      hint: Pre-releases are available for b",
        "",
        "      hint: two",
        "      lines",
        "",
      ].join("\n"),
    );
  });
});

describe("formatElapsed (uv's durations)", () => {
  const cases: [number, string][] = [
    [0.123, "0.12ms"],
    [7.9, "7ms"],
    [999, "999ms"],
    [1250, "1.25s"],
    [59_999, "59.99s"],
    [125_000, "2m 05s"],
  ];
  for (const [ms, text] of cases)
    test(`${ms} → ${text}`, () => assert.equal(formatElapsed(ms), text));
  test("in colour: a red cross and arrow, a bold cyan hint", () => {
    const text = renderNoSolution("Because …", ["try this"], undefined, createColors(true));
    assert.equal(
      text,
      "  \x1b[1m\x1b[31m×\x1b[39m\x1b[22m No solution found when resolving dependencies:\n  \x1b[31m╰─▶\x1b[39m Because …\n\n      \x1b[1m\x1b[36mhint\x1b[39m\x1b[22m: try this\n",
    );
  });
});
