import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { WheelFilename } from "../../src/filenames/index.ts";
import { Version } from "../../src/pep440/index.ts";
import { formatTag, Tags } from "../../src/platform-tags/index.ts";
import { PuffinError } from "../../src/support/index.ts";
import utils from "../corpora/packaging/utils.json" with { type: "json" };

/**
 * packaging accepts any Unicode word characters in the name part; Puffin's `PackageName` holds
 * PEP 508 names only (ASCII letters, digits, `-_.`: https://packaging.python.org/en/latest/specifications/name-normalization/),
 * as uv's does, and no index can serve such a project. These are rejected instead.
 */
const NON_ASCII_NAMES = new Set([
  "foo_bár-1.0-py3-none-any.whl",
  "foo_bár-1.0-1000-py3-none-any.whl",
]);

function isInvalidWheelFilename(error: unknown): boolean {
  return error instanceof PuffinError && error.code === "invalid-wheel-filename";
}

describe("WheelFilename.parse", () => {
  test("wheel_filenames vectors from pypa/packaging", () => {
    let checked = 0;
    for (const vector of utils.wheel_filenames) {
      if (NON_ASCII_NAMES.has(vector.filename)) continue;
      checked++;
      if (!vector.valid) {
        assert.throws(
          () => WheelFilename.parse(vector.filename),
          isInvalidWheelFilename,
          vector.filename,
        );
        assert.equal(WheelFilename.tryParse(vector.filename), undefined, vector.filename);
        continue;
      }
      const wheel = WheelFilename.parse(vector.filename);
      assert.equal(wheel.name, vector.name, vector.filename);
      assert.ok(wheel.version.equals(Version.parse(vector.version!)), vector.filename);
      assert.deepEqual(
        wheel.build,
        vector.build === null ? undefined : { number: vector.build![0], suffix: vector.build![1] },
        vector.filename,
      );
      assert.deepEqual(wheel.tags().map(formatTag).sort(), vector.tags, vector.filename);
    }
    assert.equal(checked, utils.wheel_filenames.length - NON_ASCII_NAMES.size);
  });

  test("non-ASCII names are rejected (see NON_ASCII_NAMES)", () => {
    for (const filename of NON_ASCII_NAMES) {
      assert.throws(() => WheelFilename.parse(filename), isInvalidWheelFilename, filename);
    }
  });

  test("wheel_unsorted_tag_sets are valid; their sets keep the order written", () => {
    for (const filename of utils.wheel_unsorted_tag_sets) {
      const wheel = WheelFilename.parse(filename);
      assert.equal(wheel.toString(), filename, filename);
    }
    assert.deepEqual(WheelFilename.parse("foo-1.0-py3.py2-none-any.whl").pythonTags, [
      "py3",
      "py2",
    ]);
  });

  test("keeps the tag sets compressed and lowercase", () => {
    const wheel = WheelFilename.parse(
      "numpy-2.1.0-CP312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    );
    assert.deepEqual(wheel.pythonTags, ["cp312"]);
    assert.deepEqual(wheel.abiTags, ["cp312"]);
    assert.deepEqual(wheel.platformTags, ["manylinux_2_17_x86_64", "manylinux2014_x86_64"]);
  });

  test("says what is wrong", () => {
    const cases = [
      ["foo-1.0-py3-none-any.zip", /does not end in `.whl`/],
      ["foo-1.0-py3-any.whl", /4 `-`-separated parts/],
      ["-foo-1.0-py3-none-any.whl", /"" is not a valid distribution name/],
      ["foo.-1.0-py3-none-any.whl", /"foo." is not a valid distribution name/],
      ["foo-1.0 -py3-none-any.whl", /"1.0 " is not a valid version/],
      ["foo-1.0-x1-py3-none-any.whl", /build tag "x1" does not start with a digit/],
      ["foo-1.0-py3..py2-none-any.whl", /has an empty tag/],
    ] as const;
    for (const [filename, message] of cases) {
      assert.throws(() => WheelFilename.parse(filename), message, filename);
      assert.throws(() => WheelFilename.parse(filename), isInvalidWheelFilename, filename);
    }
  });

  test("toString is the canonical filename", () => {
    const cases = [
      ["some_PACKAGE-1.0-py3-none-any.whl", "some_package-1.0-py3-none-any.whl"],
      ["Foo.Bar-01.0_RC1-007nightly-PY3-none-ANY.whl", "foo_bar-1.0rc1-7nightly-py3-none-any.whl"],
      ["foo-1!2.0.post1-py2.py3-none-any.whl", "foo-1!2.0.post1-py2.py3-none-any.whl"],
    ] as const;
    for (const [input, canonical] of cases)
      assert.equal(WheelFilename.parse(input).toString(), canonical);
  });
});

describe("WheelFilename compatibility", () => {
  const linux = Tags.fromEnv({
    pythonVersion: [3, 12],
    implementation: "cpython",
    platform: { os: "manylinux", major: 2, minor: 28, arch: "x86_64" },
  });

  test("a wheel's priority is its best tag's; higher is better", () => {
    const native = WheelFilename.parse(
      "numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    );
    const stable = WheelFilename.parse("cryptography-43.0.0-cp39-abi3-manylinux_2_28_x86_64.whl");
    const pure = WheelFilename.parse("six-1.16.0-py2.py3-none-any.whl");
    const priorities = [native, stable, pure].map((wheel) => wheel.compatibility(linux));
    assert.ok(priorities.every((p) => p !== undefined));
    assert.ok(
      priorities[0]! > priorities[1]! && priorities[1]! > priorities[2]!,
      String(priorities),
    );
    assert.equal(native.isCompatible(linux), true);
  });

  test("wheels for another platform, Python or implementation do not fit", () => {
    for (const filename of [
      "numpy-2.1.0-cp312-cp312-win_amd64.whl",
      "numpy-2.1.0-cp311-cp311-manylinux_2_17_x86_64.whl",
      "numpy-2.1.0-cp312-cp312-manylinux_2_34_x86_64.whl",
      "numpy-2.1.0-pp310-pypy310_pp73-manylinux_2_17_x86_64.whl",
      "futures-3.4.0-py2-none-any.whl",
    ]) {
      const wheel = WheelFilename.parse(filename);
      assert.equal(wheel.compatibility(linux), undefined, filename);
      assert.equal(wheel.isCompatible(linux), false, filename);
    }
  });
});
