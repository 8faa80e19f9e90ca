import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { formatRecordRow, parseRecord } from "../../src/pypi-types/index.ts";
import { invalidRecordFields, parseCsvRows, recordMismatch } from "../../src/pypi-types/record.ts";

interface RecordsCorpus {
  validation: {
    row: [string, string, string];
    data_base64: string;
    passes_validation: boolean;
  }[];
  valid_rows: [string, string, string][];
  invalid_rows: { row: [string, string, string]; bad_fields: string[] }[];
  parse: { input: string; rows: string[][] };
  bad_lines: { line: string; element_count: number }[];
}

const corpus = JSON.parse(
  readFileSync(new URL("../corpora/installer/records.json", import.meta.url), "utf8"),
) as RecordsCorpus;

describe("RECORD (pypa/installer vectors)", () => {
  test("validation: a missing hash or size passes, a wrong one fails", () => {
    for (const { row, data_base64, passes_validation } of corpus.validation) {
      const [entry] = parseRecord(row.join(","), "RECORD");
      const mismatch = recordMismatch(entry!, Buffer.from(data_base64, "base64"));
      assert.equal(mismatch === undefined, passes_validation, JSON.stringify(row));
    }
  });

  test("valid rows have no bad fields and parse", () => {
    for (const row of corpus.valid_rows) {
      assert.deepEqual(invalidRecordFields(row), [], JSON.stringify(row));
      const [entry] = parseRecord(row.join(","), "RECORD");
      assert.equal(entry!.path, row[0]);
      assert.equal(entry!.hash, row[1] === "" ? undefined : row[1]);
      assert.equal(entry!.size, row[2] === "" ? undefined : Number(row[2]));
    }
  });

  test("invalid rows name their bad fields and are refused", () => {
    for (const { row, bad_fields } of corpus.invalid_rows) {
      assert.deepEqual(invalidRecordFields(row), bad_fields, JSON.stringify(row));
      assert.throws(() => parseRecord(row.join(","), "x/RECORD"), {
        code: "invalid-record",
        message: new RegExp(`^x/RECORD has a row with an invalid ${bad_fields.join(" and ")}`),
      });
    }
  });

  test("CSV parsing", () => {
    assert.deepEqual(parseCsvRows(corpus.parse.input), corpus.parse.rows);
  });

  test("text without quotes or carriage returns parses as lines split at commas", () => {
    const cases: [string, string[][]][] = [
      [
        "a,b,c\n\nd,,\n",
        [
          ["a", "b", "c"],
          ["d", "", ""],
        ],
      ],
      [",\n", [["", ""]]],
      ["x", [["x"]]],
      ["", []],
      [
        "p,sha256=AB-_,1\nq,,",
        [
          ["p", "sha256=AB-_", "1"],
          ["q", "", ""],
        ],
      ],
    ];
    for (const [text, rows] of cases) {
      assert.deepEqual(parseCsvRows(text), rows, JSON.stringify(text));
      // The same rows as the general parser gives once a quoted field forces it.
      const quoted = parseCsvRows(`"z"\n${text}`);
      assert.deepEqual(quoted.slice(1), rows, JSON.stringify(text));
    }
  });

  test("a row with another field count is refused", () => {
    for (const { line, element_count } of corpus.bad_lines) {
      assert.equal(parseCsvRows(line)[0]!.length, element_count);
      assert.throws(() => parseRecord(line, "RECORD"), {
        code: "invalid-record",
        message: new RegExp(`${element_count} fields instead of 3`),
      });
    }
  });
});

describe("RECORD rows", () => {
  test("quoting round-trips as Python's csv module writes it", () => {
    const rows = [
      { path: "plain.py", hash: "sha256=abc", size: 3 },
      { path: 'odd,"name".py', hash: undefined, size: undefined },
      { path: "line\nbreak", hash: "sha256=x", size: 0 },
    ];
    const text = rows.map(formatRecordRow).join("");
    assert.equal(text.split("\n")[1], '"odd,""name"".py",,');
    assert.deepEqual(parseRecord(text, "RECORD"), rows);
  });

  test("CRLF line ends and blank lines", () => {
    assert.deepEqual(parseCsvRows("a,b,c\r\n\r\nd,,\r\n"), [
      ["a", "b", "c"],
      ["d", "", ""],
    ]);
  });

  test("weak, unknown and malformed hashes are mismatches", () => {
    const data = new TextEncoder().encode("x");
    for (const hash of ["md5=AAAA", "sha1=AAAA", "nope=AAAA", "sha256", "=AAAA"]) {
      const mismatch = recordMismatch({ path: "f", hash, size: undefined }, data);
      assert.match(mismatch ?? "", /not `<algorithm>=<digest>`/, hash);
    }
    // sha512 is accepted, with or without base64 padding.
    const digest = `sha512=${createHash("sha512").update(data).digest("base64url")}==`;
    assert.equal(recordMismatch({ path: "f", hash: digest, size: 1 }, data), undefined);
  });
});
