import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ExtraName, isValidName, normalizeName, PackageName } from "../../src/normalize/index.ts";
import { isNormalizedName } from "../../src/normalize/names.ts";
import { PuffinError } from "../../src/support/index.ts";
import utils from "../corpora/packaging/utils.json" with { type: "json" };

describe("PackageName", () => {
  test("canonicalize_name vectors from pypa/packaging", () => {
    for (const [input, expected] of utils.canonicalize_name) {
      assert.equal(PackageName.parse(input!), expected, input);
      assert.equal(normalizeName(input!), expected, input);
    }
  });

  test("is_normalized_name vectors from pypa/packaging", () => {
    for (const { name, is_normalized } of utils.is_normalized_name) {
      assert.equal(isNormalizedName(name), is_normalized, name);
    }
  });

  test("invalid names are rejected with a stable code, and normalization alone does not validate", () => {
    for (const { name, canonical_without_validation } of utils.canonicalize_name_invalid) {
      assert.equal(isValidName(name), false, JSON.stringify(name));
      assert.throws(
        () => PackageName.parse(name),
        (error: unknown) => error instanceof PuffinError && error.code === "invalid-package-name",
      );
      assert.equal(normalizeName(name), canonical_without_validation.toLowerCase());
    }
  });

  test("normalizes real project names", () => {
    const cases = [
      ["A", "a"],
      ["a.b_c-d", "a-b-c-d"],
      ["Django", "django"],
      ["zope.interface", "zope-interface"],
      ["0", "0"],
    ] as const;
    for (const [input, expected] of cases) assert.equal(PackageName.parse(input), expected);
  });

  test("rejects names that start or end with punctuation, empty names and non-ASCII", () => {
    for (const name of ["", "-a", "a-", ".a", "a_", "a b", "café", "a/b", "a+b"]) {
      assert.throws(() => PackageName.parse(name), /Not a valid package name/, name);
    }
  });

  test("the dist-info form replaces dashes with underscores", () => {
    assert.equal(PackageName.asDistInfoName(PackageName.parse("Foo.Bar-baz")), "foo_bar_baz");
  });
});

describe("ExtraName", () => {
  test("is normalized like a package name (PEP 685)", () => {
    assert.equal(ExtraName.parse("Dev_Tools"), "dev-tools");
    assert.equal(ExtraName.parse("socks"), "socks");
  });

  test("invalid extras have their own error code", () => {
    assert.throws(
      () => ExtraName.parse("-bad"),
      (error: unknown) => error instanceof PuffinError && error.code === "invalid-extra-name",
    );
  });
});
