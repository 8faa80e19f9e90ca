import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { expandTagSet, formatTag, parseTag } from "../../src/platform-tags/index.ts";
import { parseTagSet } from "../../src/platform-tags/tag.ts";
import { PuffinError } from "../../src/support/index.ts";
import vectors from "../corpora/packaging/tags.json" with { type: "json" };

describe("parseTag", () => {
  test("parse_tag vectors from pypa/packaging: compressed sets expand, case folds", () => {
    for (const [input, expected] of Object.entries(vectors.parse_tag)) {
      assert.deepEqual(parseTag(input).map(formatTag).sort(), expected, input);
    }
  });

  test("expands in component order, python slowest and platform fastest", () => {
    assert.deepEqual(parseTag("py3.py2-cp37m.none-win32.win_amd64").map(formatTag), [
      "py3-cp37m-win32",
      "py3-cp37m-win_amd64",
      "py3-none-win32",
      "py3-none-win_amd64",
      "py2-cp37m-win32",
      "py2-cp37m-win_amd64",
      "py2-none-win32",
      "py2-none-win_amd64",
    ]);
  });

  test("duplicates in a compressed set collapse", () => {
    assert.deepEqual(parseTag("py3.PY3-none-any").map(formatTag), ["py3-none-any"]);
  });

  test("keeps the compressed form for wheel filenames", () => {
    const set = parseTagSet("CP38-cp38-manylinux_2_17_x86_64.manylinux2014_x86_64");
    assert.deepEqual(set, {
      pythonTags: ["cp38"],
      abiTags: ["cp38"],
      platformTags: ["manylinux_2_17_x86_64", "manylinux2014_x86_64"],
    });
    assert.equal(expandTagSet(set).length, 2);
  });

  test("rejects anything but three non-empty components", () => {
    for (const input of ["", "py3", "py3-none", "py3-none-any-x", "py3--any", "py3.-none-any"]) {
      assert.throws(
        () => parseTag(input),
        (error: unknown) => error instanceof PuffinError && error.code === "invalid-tag",
        JSON.stringify(input),
      );
    }
  });
});
