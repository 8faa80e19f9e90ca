import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { splitShellWords } from "../../src/requirements-txt/shell-words.ts";

describe("splitting options like shlex.split", () => {
  const cases: [string, string[] | undefined][] = [
    ["", []],
    ["  ", []],
    ["-i url", ["-i", "url"]],
    ["--index-url='url'", ["--index-url=url"]],
    ['--config-settings="a=b c"', ["--config-settings=a=b c"]],
    ["'a b' c", ["a b", "c"]],
    ["''", [""]],
    ['"a\\"b"', ['a"b']],
    ['"a\\\\b"', ["a\\b"]],
    ['"a\\nb"', ["a\\nb"]],
    ["'a\\b'", ["a\\b"]],
    ["a\\ b", ["a b"]],
    ["a\tb", ["a", "b"]],
    ["a'b'\"c\"", ["abc"]],
    ["--'data", undefined],
    ['"open', undefined],
    ["trailing\\", undefined],
  ];
  for (const [input, expected] of cases) {
    test(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(splitShellWords(input), expected);
    });
  }
});
