import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatTag, parseTag, Tags, type TagsEnv } from "../../src/platform-tags/index.ts";
import { parseTagSet } from "../../src/platform-tags/tag.ts";
import { PuffinError } from "../../src/support/index.ts";
import vectors from "../corpora/packaging/tags.json" with { type: "json" };

/** The interpreter each `sys_tags` vector describes. */
const SYS_TAGS_ENVS: Record<keyof typeof vectors.sys_tags, TagsEnv> = {
  "cp312-linux-x86_64-glibc2.35": {
    pythonVersion: [3, 12],
    implementation: "cpython",
    platform: { os: "manylinux", major: 2, minor: 35, arch: "x86_64" },
  },
  "cp38-linux-x86_64-glibc2.17": {
    pythonVersion: [3, 8],
    implementation: "cpython",
    platform: { os: "manylinux", major: 2, minor: 17, arch: "x86_64" },
  },
  "cp311-linux-aarch64-glibc2.28": {
    pythonVersion: [3, 11],
    implementation: "cpython",
    platform: { os: "manylinux", major: 2, minor: 28, arch: "aarch64" },
  },
  // Generated on an x86_64 host, where packaging refuses manylinux for i686 (see
  // platform.test.ts); what remains is exactly the tag set of an i686 Linux whose C library is
  // not known, so that is the platform this vector is checked against.
  "cp310-linux-i686-glibc2.31": {
    pythonVersion: [3, 10],
    implementation: "cpython",
    platform: { os: "linux", arch: "i686" },
  },
  "cp312-musllinux-x86_64-musl1.2": {
    pythonVersion: [3, 12],
    implementation: "cpython",
    platform: { os: "musllinux", major: 1, minor: 2, arch: "x86_64" },
  },
  "cp312-macos14-arm64": {
    pythonVersion: [3, 12],
    implementation: "cpython",
    platform: { os: "macos", major: 14, minor: 0, arch: "aarch64" },
  },
  "cp39-macos10.15-x86_64": {
    pythonVersion: [3, 9],
    implementation: "cpython",
    platform: { os: "macos", major: 10, minor: 15, arch: "x86_64" },
  },
  "cp311-windows-amd64": {
    pythonVersion: [3, 11],
    implementation: "cpython",
    platform: { os: "windows", arch: "x86_64" },
  },
};

const PYPY_ENV: TagsEnv = {
  pythonVersion: [3, 10],
  implementation: "pypy",
  implementationVersion: [7, 3],
  platform: { os: "manylinux", major: 2, minor: 35, arch: "x86_64" },
};

describe("Tags.fromEnv", () => {
  test("sys_tags vectors from pypa/packaging: the same tags in the same order", () => {
    for (const [key, env] of Object.entries(SYS_TAGS_ENVS)) {
      const expected = vectors.sys_tags[key as keyof typeof vectors.sys_tags];
      const tags = Tags.fromEnv(env);
      assert.deepEqual(tags.tags.map(formatTag), expected.tags_in_priority_order, key);
      assert.equal(tags.tags[0]!.abi, expected.abis[0], key);
    }
  });

  test("pypy_tags vector from pypa/packaging, with sys_tags' `pp3-none-any`", () => {
    // The vector was generated as generic_tags + compatible_tags(interpreter="pp310"); on PyPy,
    // sys_tags passes "pp3" instead (pypa/packaging#311), which is what Puffin follows. That one
    // tag is the only difference.
    const expected = vectors.pypy_tags["pp310-linux-x86_64-glibc2.35"].map((tag) =>
      tag === "pp310-none-any" ? "pp3-none-any" : tag,
    );
    assert.deepEqual(Tags.fromEnv(PYPY_ENV).tags.map(formatTag), expected);
  });

  test("CPython before 3.8 has the pymalloc flag, before 3.3 also UCS-4 except on Windows", () => {
    const linux = { os: "manylinux", major: 2, minor: 17, arch: "x86_64" } as const;
    const first = (env: Omit<TagsEnv, "implementation">) =>
      formatTag(Tags.fromEnv({ implementation: "cpython", ...env }).tags[0]!);
    assert.equal(
      first({ pythonVersion: [3, 7], platform: linux }),
      "cp37-cp37m-manylinux_2_17_x86_64",
    );
    assert.equal(
      first({ pythonVersion: [2, 7], platform: linux }),
      "cp27-cp27mu-manylinux_2_17_x86_64",
    );
    assert.equal(
      first({ pythonVersion: [2, 7], platform: { os: "windows", arch: "i686" } }),
      "cp27-cp27m-win32",
    );
  });

  test("Python 2.7 has no stable ABI", () => {
    const tags = Tags.fromEnv({
      pythonVersion: [2, 7],
      implementation: "cpython",
      platform: { os: "windows", arch: "x86_64" },
    });
    assert.deepEqual(tags.tags.map(formatTag).slice(0, 4), [
      "cp27-cp27m-win_amd64",
      "cp27-none-win_amd64",
      "py27-none-win_amd64",
      "py2-none-win_amd64",
    ]);
    assert.ok(!tags.tags.some((tag) => tag.abi === "abi3"));
  });

  test("free-threaded CPython uses its own ABI and abi3t instead of abi3 (packaging 26.2)", () => {
    const tags = Tags.fromEnv({
      pythonVersion: [3, 13],
      implementation: "cpython",
      gilDisabled: true,
      platform: { os: "windows", arch: "x86_64" },
    });
    assert.deepEqual(tags.tags.map(formatTag).slice(0, 5), [
      "cp313-cp313t-win_amd64",
      "cp313-abi3t-win_amd64",
      "cp313-none-win_amd64",
      "cp312-abi3t-win_amd64",
      "cp311-abi3t-win_amd64",
    ]);
    assert.equal(tags.compatibility(parseTag("cp39-abi3-win_amd64")), undefined);
  });

  test("explicit ABI tags (a debug build) come first; abi3 and none stay where the rules put them", () => {
    const tags = Tags.fromEnv({
      pythonVersion: [3, 12],
      implementation: "cpython",
      abiTags: ["cp312d", "cp312", "abi3"],
      platform: { os: "windows", arch: "x86_64" },
    });
    assert.deepEqual(tags.tags.map(formatTag).slice(0, 5), [
      "cp312-cp312d-win_amd64",
      "cp312-cp312-win_amd64",
      "cp312-abi3-win_amd64",
      "cp312-none-win_amd64",
      "cp311-abi3-win_amd64",
    ]);
  });

  test("GraalPy: its own python tag and ABI, no interpreter-specific -none-any", () => {
    const tags = Tags.fromEnv({
      pythonVersion: [3, 11],
      implementation: "graalpy",
      implementationVersion: [24, 2],
      platform: { os: "manylinux", major: 2, minor: 17, arch: "x86_64" },
    }).tags.map(formatTag);
    assert.equal(tags[0], "graalpy311-graalpy242_311_native-manylinux_2_17_x86_64");
    assert.ok(tags.includes("graalpy311-none-linux_x86_64"));
    assert.ok(!tags.some((tag) => tag.startsWith("graalpy311-none-any")));
    assert.equal(tags.at(-1), "py30-none-any");
  });

  test("PyPy and GraalPy need the implementation version", () => {
    for (const implementation of ["pypy", "graalpy"] as const) {
      assert.throws(
        () => Tags.fromEnv({ ...PYPY_ENV, implementation, implementationVersion: undefined }),
        (error: unknown) =>
          error instanceof PuffinError && error.code === "invalid-tags-environment",
      );
    }
  });
});

describe("Tags.compatibility", () => {
  const tags = Tags.fromEnv(SYS_TAGS_ENVS["cp312-linux-x86_64-glibc2.35"]);
  const order = vectors.sys_tags["cp312-linux-x86_64-glibc2.35"].tags_in_priority_order;

  test("each supported tag's priority is its distance from the end: higher is more preferred", () => {
    order.forEach((tag, index) => {
      assert.equal(tags.compatibility(parseTag(tag)), order.length - index, tag);
    });
    assert.equal(tags.compatibility(parseTag(order[0]!)), order.length);
    assert.equal(tags.compatibility(parseTag("py30-none-any")), 1);
  });

  test("a compressed tag set scores its best tag; a list of tags likewise", () => {
    const wheel = parseTagSet("cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64");
    const best = order.length - order.indexOf("cp312-cp312-manylinux_2_17_x86_64");
    assert.equal(tags.compatibility(wheel), best);
    assert.equal(
      tags.compatibility(parseTag("py2.py3-none-any")),
      tags.compatibility(parseTag("py3-none-any")),
    );
    assert.ok(tags.compatibility(parseTag("cp312-cp312-manylinux1_x86_64"))! < best);
  });

  test("incompatible wheels have no priority", () => {
    const incompatible = [
      "cp311-cp311-manylinux_2_17_x86_64", // another Python
      "cp313-abi3-manylinux_2_17_x86_64", // stable ABI of a newer Python
      "cp312-cp312-manylinux_2_36_x86_64", // newer glibc
      "cp312-cp312-manylinux_2_17_aarch64", // another architecture
      "cp312-cp312-musllinux_1_1_x86_64", // another C library
      "pp310-pypy310_pp73-manylinux_2_17_x86_64", // another implementation
      "py2-none-any",
      "cp312-cp312-win_amd64",
    ];
    for (const tag of incompatible) {
      assert.equal(tags.compatibility(parseTagSet(tag)), undefined, tag);
      assert.equal(tags.isCompatible(parseTagSet(tag)), false, tag);
    }
    assert.equal(tags.isCompatible(parseTagSet("py2.py3-none-any")), true);
    assert.equal(tags.compatibility([]), undefined);
  });

  test("priority() looks up one tag; duplicates keep their first (best) position", () => {
    const custom = new Tags([
      ...parseTag("py3-none-any"),
      ...parseTag("cp312-abi3-any"),
      ...parseTag("py3-none-any"),
    ]);
    assert.equal(custom.tags.length, 2);
    assert.equal(custom.priority({ python: "py3", abi: "none", platform: "any" }), 2);
    assert.equal(custom.priority({ python: "cp312", abi: "abi3", platform: "any" }), 1);
    assert.equal(custom.priority({ python: "cp312", abi: "none", platform: "any" }), undefined);
  });
});
