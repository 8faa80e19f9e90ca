import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MetadataHeaders } from "../../src/pypi-types/index.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

/** Fields as `[name, values]` pairs, the way the tables below spell them. */
function fieldsOf(headers: MetadataHeaders): [string, readonly string[]][] {
  return headers.names().map((name) => [name, headers.getAll(name)]);
}

describe("MetadataHeaders", () => {
  // Every expected value here is what Python 3.11's `email.parser.BytesParser(policy=compat32)`
  // returns for the same input (checked by hand with `Message.items()` / `get_payload()`).
  const cases: {
    name: string;
    input: string;
    fields: [string, string[]][];
    body?: string;
  }[] = [
    {
      name: "reads one value per line and keeps repeated fields in order",
      input: "Name: a\nRequires-Dist: x\nVersion: 1\nRequires-Dist: y\n",
      fields: [
        ["name", ["a"]],
        ["requires-dist", ["x", "y"]],
        ["version", ["1"]],
      ],
    },
    {
      name: "keeps continuation lines verbatim, with their line break and indentation",
      input: "Name: a\nAuthor: x,\n        y\nVersion: 1\n",
      fields: [
        ["name", ["a"]],
        ["author", ["x,\n        y"]],
        ["version", ["1"]],
      ],
    },
    {
      name: "a value that starts on the next line keeps its leading line break",
      input: "Description:\n  foo\n  bar\n",
      fields: [["description", ["\n  foo\n  bar"]]],
    },
    {
      name: "strips leading blanks of the first line only; trailing whitespace stays",
      input: "Name:   a  \t\nSummary:\n",
      fields: [
        ["name", ["a  \t"]],
        ["summary", [""]],
      ],
    },
    {
      name: "the body starts after the first empty line",
      input: "Name: a\nVersion: 1\n\nbody\n\nNot-A-Header: x\n",
      fields: [
        ["name", ["a"]],
        ["version", ["1"]],
      ],
      body: "body\n\nNot-A-Header: x\n",
    },
    {
      name: "CRLF line endings are normalized, in values and body",
      input: "Name: a\r\nAuthor: x\r\n  y\r\nVersion: 1\r\n\r\nbody\r\nline2\r\n",
      fields: [
        ["name", ["a"]],
        ["author", ["x\n  y"]],
        ["version", ["1"]],
      ],
      body: "body\nline2\n",
    },
    {
      name: "a lone CR is a line break too",
      input: "Name: a\rVersion: 1\r\rbody",
      fields: [
        ["name", ["a"]],
        ["version", ["1"]],
      ],
      body: "body",
    },
    {
      name: "a line that is not a header ends the headers and begins the body",
      input: "Name: a\nthis is not a header\nVersion: 1\n",
      fields: [["name", ["a"]]],
      body: "this is not a header\nVersion: 1\n",
    },
    {
      name: "a space before the colon makes the line a non-header",
      input: "Name: a\nVersion : 1\n",
      fields: [["name", ["a"]]],
      body: "Version : 1\n",
    },
    {
      name: "a non-ASCII field name makes the line a non-header",
      input: "Name: a\nNäme: b\n",
      fields: [["name", ["a"]]],
      body: "Näme: b\n",
    },
    {
      name: "a header without a name is skipped, with its continuation lines",
      input: "Name: a\n: x\n  cont\nVersion: 1\n",
      fields: [
        ["name", ["a"]],
        ["version", ["1"]],
      ],
    },
    {
      name: "a continuation line before any header is ignored",
      input: "  cont\nName: a\n",
      fields: [["name", ["a"]]],
    },
    {
      name: "mbox envelope lines are skipped",
      input: "From x\nName: a\nFrom y\nVersion: 1\n\nbody",
      fields: [
        ["name", ["a"]],
        ["version", ["1"]],
      ],
      body: "body",
    },
    {
      name: "a header block with no body and no final newline",
      input: "Name: a\nVersion: 1",
      fields: [
        ["name", ["a"]],
        ["version", ["1"]],
      ],
    },
    {
      name: "an empty body is no body",
      input: "Name: a\n\n",
      fields: [["name", ["a"]]],
    },
    {
      name: "an empty file has no fields",
      input: "",
      fields: [],
    },
    {
      name: "only the first colon separates name and value",
      input: "Project-URL: Docs, https://example.com:8080/x\n",
      fields: [["project-url", ["Docs, https://example.com:8080/x"]]],
    },
  ];

  for (const { name, input, fields, body } of cases) {
    test(name, () => {
      for (const form of [input, bytes(input)]) {
        const headers = MetadataHeaders.parse(form);
        assert.deepEqual(fieldsOf(headers), fields);
        assert.equal(headers.body, body);
        assert.deepEqual(headers.warnings, []);
      }
    });
  }

  test("field names are case-insensitive; get returns the first value", () => {
    const headers = MetadataHeaders.parse("name: a\nNAME: b\nRequires-dist: x\nrequires-DIST: y\n");
    assert.equal(headers.get("Name"), "a");
    assert.deepEqual(headers.getAll("Requires-Dist"), ["x", "y"]);
    assert.equal(headers.has("REQUIRES-DIST"), true);
    assert.equal(headers.get("Version"), undefined);
    assert.deepEqual(headers.getAll("Version"), []);
  });

  test("decodes UTF-8 and drops a leading byte order mark", () => {
    const headers = MetadataHeaders.parse(bytes("\uFEFFName: a\nAuthor: 中文\n\n一个 Python 包"));
    assert.deepEqual(fieldsOf(headers), [
      ["name", ["a"]],
      ["author", ["中文"]],
    ]);
    assert.equal(headers.body, "一个 Python 包");
    assert.equal(MetadataHeaders.parse("\uFEFFName: a").get("name"), "a");
  });

  test("a line that is not UTF-8 is read as Latin-1, with a warning naming it", () => {
    const latin1 = Uint8Array.from([
      ...bytes("Name: a\nAuthor: Ren"),
      0xe9,
      0x20,
      0x93,
      ...bytes("Q"),
      0x94,
      ...bytes("\nRequires-Dist: caf\u00e9\n\n"),
      0xff,
    ]);
    const headers = MetadataHeaders.parse(latin1);
    assert.equal(headers.get("author"), "René \x93Q\x94");
    assert.equal(headers.get("requires-dist"), "café");
    assert.equal(headers.body, "ÿ");
    assert.deepEqual(headers.warnings, [
      "Line 2 is not valid UTF-8; read it as Latin-1",
      "Line 5 is not valid UTF-8; read it as Latin-1",
    ]);
  });

  test("RFC 2047 encoded words are left as written, as compat32 leaves them", () => {
    assert.equal(
      MetadataHeaders.parse("Name: =?utf-8?q?foobar?=").get("name"),
      "=?utf-8?q?foobar?=",
    );
  });
});
