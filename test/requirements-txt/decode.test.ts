import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeRequirementsFile } from "../../src/requirements-txt/decode.ts";
import { RequirementsFileError } from "../../src/requirements-txt/index.ts";

const text = "Django==1.4.2 # café\n";

function encodeUtf32(s: string, littleEndian: boolean): Uint8Array {
  const codePoints = [...s].map((c) => c.codePointAt(0)!);
  const view = new DataView(new ArrayBuffer(codePoints.length * 4));
  codePoints.forEach((cp, i) => {
    view.setUint32(i * 4, cp, littleEndian);
  });
  return new Uint8Array(view.buffer);
}

function encodeUtf16(s: string, littleEndian: boolean): Uint8Array {
  const view = new DataView(new ArrayBuffer(s.length * 2));
  for (let i = 0; i < s.length; i++) view.setUint16(i * 2, s.charCodeAt(i), littleEndian);
  return new Uint8Array(view.buffer);
}

const concat = (...parts: (number[] | Uint8Array)[]) =>
  new Uint8Array(parts.flatMap((part) => [...part]));

describe("decoding a requirements file", () => {
  const withBoms: [string, Uint8Array][] = [
    ["UTF-8 BOM", concat([0xef, 0xbb, 0xbf], Buffer.from(text))],
    ["UTF-16 BE BOM", concat([0xfe, 0xff], encodeUtf16(text, false))],
    ["UTF-16 LE BOM", concat([0xff, 0xfe], encodeUtf16(text, true))],
    ["UTF-32 BE BOM", concat([0, 0, 0xfe, 0xff], encodeUtf32(text, false))],
    ["UTF-32 LE BOM", concat([0xff, 0xfe, 0, 0], encodeUtf32(text, true))],
  ];
  for (const [name, bytes] of withBoms) {
    test(`${name}: decoded and the BOM dropped`, () => {
      assert.equal(decodeRequirementsFile(bytes, "r.txt"), text);
    });
  }

  test("without a BOM or coding comment: UTF-8", () => {
    assert.equal(decodeRequirementsFile(Buffer.from(text), "r.txt"), text);
  });

  test("a PEP 263 coding comment on line 1 or 2 names the encoding", () => {
    const cases: [string, string][] = [
      ["# -*- coding: latin-1 -*-\n", "latin-1"],
      ["# coding=latin1\n", "latin1"],
      ["#!/usr/bin/env whatever\n# vim: set fileencoding=iso-8859-1 :\n", "iso-8859-1"],
      ["# coding: cp1252\n", "cp1252"],
    ];
    for (const [header, encoding] of cases) {
      const bytes = concat(Buffer.from(header, "latin1"), Buffer.from("caf\xe9\n", "latin1"));
      assert.equal(decodeRequirementsFile(bytes, "r.txt"), `${header}café\n`, encoding);
    }
  });

  test("latin-1 is ISO-8859-1, not windows-1252 (unlike the WHATWG label)", () => {
    const bytes = concat(Buffer.from("# coding: latin-1\n"), [0x80, 0x9f]);
    assert.equal(decodeRequirementsFile(bytes, "r.txt"), "# coding: latin-1\n\x80\x9f");
    const cp1252 = concat(Buffer.from("# coding: cp1252\n"), [0x80]);
    assert.equal(decodeRequirementsFile(cp1252, "r.txt"), "# coding: cp1252\n€");
  });

  test("a coding comment on line 3, or not starting the line, is ignored", () => {
    const late = Buffer.from("\n\n# coding: latin-1\ncafé\n");
    assert.equal(decodeRequirementsFile(late, "r.txt"), "\n\n# coding: latin-1\ncafé\n");
    const notComment = Buffer.from("foo # coding: latin-1\ncafé");
    assert.equal(decodeRequirementsFile(notComment, "r.txt"), "foo # coding: latin-1\ncafé");
  });

  test("invalid UTF-8 is refused with a hint about the coding comment", () => {
    assert.throws(
      () => decodeRequirementsFile(Buffer.from("caf\xe9\n", "latin1"), "reqs/r.txt"),
      (error: unknown) =>
        error instanceof RequirementsFileError &&
        error.code === "requirements-file-encoding" &&
        error.message === "`reqs/r.txt` is not valid UTF-8" &&
        error.file === "reqs/r.txt" &&
        /coding: latin-1/.test(error.hint ?? ""),
    );
  });

  test("an unknown or violated declared encoding is refused", () => {
    assert.throws(() => decodeRequirementsFile(Buffer.from("# coding: klingon\nfoo"), "r.txt"), {
      code: "requirements-file-encoding",
      message: "Unknown encoding `klingon` declared in `r.txt`",
    });
    assert.throws(
      () => decodeRequirementsFile(concat(Buffer.from("# coding: ascii\n"), [0xe9]), "r.txt"),
      {
        code: "requirements-file-encoding",
        message: "`r.txt` is not valid ascii: 0xe9 at byte 16",
      },
    );
    assert.throws(
      () => decodeRequirementsFile(concat(Buffer.from("# coding: cp1252\n"), [0x81]), "r.txt"),
      {
        code: "requirements-file-encoding",
        message: "`r.txt` is not valid cp1252: 0x81 at byte 17",
      },
    );
    assert.throws(() => decodeRequirementsFile(new Uint8Array([0, 0, 0xfe, 0xff, 0, 0]), "r.txt"), {
      code: "requirements-file-encoding",
      message: "`r.txt` is not valid UTF-32: its length is not a multiple of 4 bytes",
    });
  });
});
