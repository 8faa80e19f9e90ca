import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { type Comparison, markdown, mergeResults, type Results } from "../../bench/report.ts";

const comparison = (scenario: string, extra: Partial<Comparison> = {}): Comparison => ({
  scenario,
  filesystem: "tmpfs (/dev/shm)",
  load: [0.5, 0.6],
  contenders: [
    { tool: "puffin", samples: [10, 12, 11] },
    { tool: "pip", samples: [100, 130, 110] },
  ],
  ...extra,
});

const machine = { cores: "2", node: "v20.20.2" };

describe("bench results", () => {
  const previous: Results = {
    date: "2026-11-25",
    machine: { ...machine, runs: "3 per tool after 1 warm-up round(s)" },
    notes: ["virtualenv 21.14.1."],
    comparisons: [comparison("venv"), comparison("versions", { variant: "parse" })],
  };
  const next: Results = {
    date: "2026-12-07",
    machine,
    notes: ["virtualenv 21.14.1."],
    comparisons: [
      comparison("venv", { date: "2026-12-07", runs: "15 per tool after 2 warm-up round(s)" }),
    ],
  };

  test("a new run replaces its scenarios; the others keep the date and runs they were measured with", () => {
    const merged = mergeResults(previous, next);
    assert.deepEqual(
      merged.comparisons.map((c) => [c.scenario, c.date, c.runs]),
      [
        ["versions", "2026-11-25", "3 per tool after 1 warm-up round(s)"],
        ["venv", "2026-12-07", "15 per tool after 2 warm-up round(s)"],
      ],
    );
    assert.deepEqual(merged.machine, machine);
    assert.deepEqual(merged.notes, ["virtualenv 21.14.1."]);
  });

  test("each table says when each of its scenarios was measured", () => {
    const text = markdown(mergeResults(previous, next));
    assert.match(text, /^Machine: cores: 2; node: v20\.20\.2\.$/m);
    assert.match(
      text,
      /^Measured versions: parse: 2026-11-25, 3 per tool after 1 warm-up round\(s\); venv: 2026-12-07, 15 per tool after 2 warm-up round\(s\)\.$/m,
    );
    assert.match(text, /^\| \*\*venv\*\* \| puffin \| 11\.0 ms \(10\.0 ms–12\.0 ms\) \|/m);
  });
});
