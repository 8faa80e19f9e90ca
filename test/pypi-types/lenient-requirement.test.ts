import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { VersionSpecifiers } from "../../src/pep440/index.ts";
import { Requirement } from "../../src/pep508/index.ts";
import {
  parseLenientRequirement,
  parseLenientVersionSpecifiers,
} from "../../src/pypi-types/lenient-requirement.ts";
import { PuffinError } from "../../src/support/index.ts";

describe("parseLenientVersionSpecifiers", () => {
  test("valid input is parsed strictly and reported as not fixed", () => {
    const { value, fixed } = parseLenientVersionSpecifiers(">=3.8, !=3.9.*");
    assert.equal(value.toString(), VersionSpecifiers.parse(">=3.8, !=3.9.*").toString());
    assert.equal(fixed, undefined);
  });

  test("repairs accumulate until the text parses, and the repaired text is returned", () => {
    const cases: [string, string][] = [
      [">=7.2.0<8.0.0", ">=7.2.0,<8.0.0"],
      ["!=~5,>=4.12", "!=5.*,>=4.12"],
      [">=1.*", ">=1"],
      [">=2.7.*, <3.4.*", ">=2.7, <3.4"],
      // Two repairs in a row: the quotes, then the wildcard after an ordered comparison.
      ["'>=2.7.*'", ">=2.7"],
      [">=9a1.0", ">=9a1"],
    ];
    for (const [written, fixed] of cases) {
      const result = parseLenientVersionSpecifiers(written);
      assert.equal(result.fixed, fixed, written);
      assert.equal(result.value.toString(), VersionSpecifiers.parse(fixed).toString(), written);
    }
  });

  test("when nothing helps, the original error is thrown", () => {
    assert.throws(
      () => parseLenientVersionSpecifiers("python3"),
      (error: unknown) =>
        error instanceof PuffinError &&
        error.code === "invalid-specifier" &&
        error.message.includes("python3"),
    );
  });
});

describe("parseLenientRequirement", () => {
  test("only the version part is rewritten: the marker keeps its quotes", () => {
    const { value, fixed } = parseLenientRequirement("numpy >=1.19'; python_version >= '3.7'");
    assert.equal(fixed, "numpy >=1.19; python_version >= '3.7'");
    assert.equal(
      value.toString(),
      Requirement.parse("numpy>=1.19; python_version >= '3.7'").toString(),
    );
  });

  test("a requirement with extras is repaired after its extras", () => {
    const { fixed } = parseLenientRequirement("a[x,y] (>=1.0.*)");
    assert.equal(fixed, "a[x,y] (>=1.0)");
  });

  test("stray quotes around the name go too (uv's `'numpy' >=1.19\"` case)", () => {
    const { fixed } = parseLenientRequirement(`'numpy' >=1.19"; python_version >= "3.7"`);
    assert.equal(fixed, `numpy >=1.19; python_version >= "3.7"`);
  });

  test("a valid URL requirement is parsed as it is", () => {
    assert.equal(parseLenientRequirement("pkg @ https://e.com/p-1.0.tar.gz").fixed, undefined);
  });

  test("when nothing helps, the original error is thrown", () => {
    assert.throws(
      () => parseLenientRequirement("bad (>="),
      (error: unknown) =>
        error instanceof PuffinError &&
        error.code === "invalid-requirement" &&
        error.message.includes("bad (>="),
    );
  });
});
