// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${VAR}` in plain strings is the requirements-file syntax under test
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  expandVariables,
  logicalLines,
  physicalLines,
} from "../../src/requirements-txt/logical-lines.ts";

const lines = (text: string, env: Record<string, string> = {}) =>
  logicalLines(text, env).map(({ line, text }) => [line, text]);

describe("physical lines", () => {
  test("split like Python's str.splitlines", () => {
    const cases: [string, string[]][] = [
      ["", []],
      ["a", ["a"]],
      ["a\n", ["a"]],
      ["a\r\nb\r\n", ["a", "b"]],
      ["a\rb", ["a", "b"]],
      ["a\n\nb", ["a", "", "b"]],
      ["a\n\n", ["a", ""]],
      ["a\fb\vc\u2028d\u0085e", ["a", "b", "c", "d", "e"]],
      ["a\n\rb", ["a", "", "b"]],
    ];
    for (const [text, expected] of cases)
      assert.deepEqual(physicalLines(text), expected, JSON.stringify(text));
  });
});

describe("logical lines", () => {
  test("drop blank lines and surrounding whitespace, numbering physical lines from 1", () => {
    assert.deepEqual(lines("\n  foo  \n\t\nbar\r\n"), [
      [2, "foo"],
      [4, "bar"],
    ]);
  });

  test("record the column where the text starts", () => {
    assert.deepEqual(
      logicalLines("  foo\nbar", {}).map((l) => l.column),
      [3, 1],
    );
  });

  test("strip comments at line start or after whitespace, not inside a word or URL fragment", () => {
    const cases: [string, string[]][] = [
      ["# only a comment", []],
      ["   # indented comment", []],
      ["foo # trailing", ["foo"]],
      ["foo\t# after a tab", ["foo"]],
      ["https://host/pkg.tar.gz#egg=pkg", ["https://host/pkg.tar.gz#egg=pkg"]],
      ["git+https://host/repo#egg=pkg # a comment", ["git+https://host/repo#egg=pkg"]],
      ["foo#bar", ["foo#bar"]],
    ];
    for (const [text, expected] of cases) {
      assert.deepEqual(
        lines(text).map(([, t]) => t),
        expected,
        text,
      );
    }
  });

  test("join lines ending in a backslash, numbered by their first line", () => {
    assert.deepEqual(lines("a \\\n  b \\\n  c\nd"), [
      [1, "a   b   c"],
      [4, "d"],
    ]);
    // A backslash followed by a space does not continue the line.
    assert.deepEqual(lines("a \\ \nb"), [
      [1, "a \\"],
      [2, "b"],
    ]);
  });

  test("a continuation ends at a comment line, and a continued line can end in a comment", () => {
    assert.deepEqual(lines("req1 \\\n# comment \\\nreq2"), [
      [1, "req1"],
      [3, "req2"],
    ]);
    assert.deepEqual(lines("req1\\\n# comment\nreq2"), [
      [1, "req1"],
      [3, "req2"],
    ]);
    // A comment after whitespace on a continued line swallows the rest of the joined line.
    assert.deepEqual(lines("req1 # note \\\nreq2\nreq3"), [
      [1, "req1"],
      [3, "req3"],
    ]);
  });

  test("a backslash on the last line is dropped", () => {
    assert.deepEqual(lines("line1\nline2 \\"), [
      [1, "line1"],
      [2, "line2"],
    ]);
  });

  test("CRLF files read like LF files", () => {
    const text = "# c\nfoo==1 \\\n    --hash=sha256:ab\n\nbar\n";
    assert.deepEqual(lines(text.replaceAll("\n", "\r\n")), lines(text));
  });
});

describe("${VAR} expansion", () => {
  const env = { TOKEN: "s3cr3t", EMPTY: "", A_1: "x" };
  const cases: [string, string][] = [
    ["https://${TOKEN}@host/simple", "https://s3cr3t@host/simple"],
    ["${A_1}${A_1}", "xx"],
    ["${MISSING}", "${MISSING}"],
    ["${EMPTY}", "${EMPTY}"],
    ["$TOKEN", "$TOKEN"],
    ["%TOKEN%", "%TOKEN%"],
    ["${token}", "${token}"],
    ["${TOKEN", "${TOKEN"],
  ];
  for (const [text, expected] of cases) {
    test(`${text} → ${expected}`, () => assert.equal(expandVariables(text, env), expected));
  }

  test("happens after comments are stripped, so a value cannot start a comment", () => {
    assert.deepEqual(lines("pkg ${HASHY}", { HASHY: "# not a comment" }), [
      [1, "pkg # not a comment"],
    ]);
  });
});
