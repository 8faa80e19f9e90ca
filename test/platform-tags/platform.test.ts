import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Arch } from "../../src/platform-tags/index.ts";
import { macBinaryFormats, macPlatforms, platformTags } from "../../src/platform-tags/platform.ts";
import { PuffinError } from "../../src/support/index.ts";
import vectors from "../corpora/packaging/tags.json" with { type: "json" };

/** `"x86_64-glibc2.17"` → `["x86_64", 2, 17]` */
function parseKey(key: string, libc: "glibc" | "musl"): [Arch, number, number] {
  const match = new RegExp(`^(.+)-${libc}(\\d+)\\.(\\d+)$`).exec(key);
  assert.ok(match, key);
  return [match[1] as Arch, Number(match[2]), Number(match[3])];
}

/**
 * The vectors were generated on an x86_64 interpreter, where packaging's
 * `_have_compatible_abi(sys.executable, ...)` refuses manylinux for i686 and armv7l (the
 * executable is not a 32-bit x86 / hard-float ARM ELF), leaving only `linux_<arch>`. A
 * `Platform` describes the interpreter itself, so Puffin gives an i686 or armv7l interpreter its
 * manylinux tags, as packaging does when run on one; see the derived test below.
 */
const SKIPPED_MANYLINUX_ARCHS = new Set(["i686", "armv7l"]);

describe("manylinux platforms", () => {
  test("manylinux_platforms vectors from pypa/packaging (glibc 2.5 to 2.35, five architectures)", () => {
    let checked = 0;
    for (const [key, expected] of Object.entries(vectors.manylinux_platforms)) {
      const [arch, major, minor] = parseKey(key, "glibc");
      if (SKIPPED_MANYLINUX_ARCHS.has(arch)) continue;
      assert.deepEqual(platformTags({ os: "manylinux", major, minor, arch }), expected, key);
      checked++;
    }
    assert.equal(checked, 20);
  });

  test("an i686 interpreter gets the x86_64 list, an armv7l one the aarch64 list (packaging on those hosts)", () => {
    for (const [key, expected] of Object.entries(vectors.manylinux_platforms)) {
      const [arch, major, minor] = parseKey(key, "glibc");
      const twin = arch === "x86_64" ? "i686" : arch === "aarch64" ? "armv7l" : undefined;
      if (twin === undefined) continue;
      assert.deepEqual(
        platformTags({ os: "manylinux", major, minor, arch: twin }),
        expected.map((tag) => tag.replace(arch, twin)),
        `${twin} glibc ${major}.${minor}`,
      );
    }
  });

  test("architectures without manylinux wheels get linux_<arch> only", () => {
    assert.deepEqual(platformTags({ os: "manylinux", major: 2, minor: 35, arch: "armv6l" }), [
      "linux_armv6l",
    ]);
  });

  test("a newer glibc major keeps every earlier major's minors", () => {
    const tags = platformTags({ os: "manylinux", major: 3, minor: 1, arch: "aarch64" });
    assert.deepEqual(tags.slice(0, 4), [
      "manylinux_3_1_aarch64",
      "manylinux_3_0_aarch64",
      "manylinux_2_50_aarch64",
      "manylinux_2_49_aarch64",
    ]);
    assert.deepEqual(tags.slice(-3), [
      "manylinux_2_17_aarch64",
      "manylinux2014_aarch64",
      "linux_aarch64",
    ]);
    assert.equal(tags.length, 2 + 34 + 1 + 1);
  });
});

describe("musllinux platforms", () => {
  test("musllinux_platforms vectors from pypa/packaging", () => {
    for (const [key, expected] of Object.entries(vectors.musllinux_platforms)) {
      const [arch, major, minor] = parseKey(key, "musl");
      assert.deepEqual(platformTags({ os: "musllinux", major, minor, arch }), expected, key);
    }
  });
});

describe("macOS platforms", () => {
  test("mac_platforms vectors from pypa/packaging", () => {
    for (const [key, expected] of Object.entries(vectors.mac_platforms)) {
      const [version, arch] = key.split("-") as [string, string];
      const [major, minor] = version.split(".").map(Number) as [number, number];
      assert.deepEqual(macPlatforms([major, minor], arch), expected, key);
    }
  });

  test("mac_binary_formats vectors from pypa/packaging", () => {
    for (const { arch, version, expected } of vectors.mac_binary_formats) {
      const [major, minor] = version as [number, number];
      assert.deepEqual(macBinaryFormats([major, minor], arch), expected, `${arch} ${version}`);
    }
  });

  test("a Platform uses macOS's names for the architecture", () => {
    assert.deepEqual(
      platformTags({ os: "macos", major: 14, minor: 2, arch: "aarch64" }),
      vectors.mac_platforms["14.2-arm64"],
    );
    assert.deepEqual(
      platformTags({ os: "macos", major: 10, minor: 15, arch: "x86_64" }),
      vectors.mac_platforms["10.15-x86_64"],
    );
    assert.throws(
      () => platformTags({ os: "macos", major: 14, minor: 0, arch: "s390x" }),
      (error: unknown) => error instanceof PuffinError && error.code === "unsupported-platform",
    );
  });
});

describe("other platforms", () => {
  test("Windows has one tag per architecture", () => {
    const cases = [
      ["x86_64", "win_amd64"],
      ["i686", "win32"],
      ["aarch64", "win_arm64"],
    ] as const;
    for (const [arch, tag] of cases) assert.deepEqual(platformTags({ os: "windows", arch }), [tag]);
    assert.throws(
      () => platformTags({ os: "windows", arch: "riscv64" }),
      (error: unknown) => error instanceof PuffinError && error.code === "unsupported-platform",
    );
  });

  test("Linux with an unknown C library takes linux_<arch> wheels only", () => {
    assert.deepEqual(platformTags({ os: "linux", arch: "riscv64" }), ["linux_riscv64"]);
  });

  test("elsewhere the tag is sysconfig.get_platform() with . - and space as _ (lowercase)", () => {
    assert.deepEqual(
      platformTags({ os: "other", sysconfigPlatform: "freebsd-14.1-RELEASE-amd64" }),
      ["freebsd_14_1_release_amd64"],
    );
    assert.deepEqual(platformTags({ os: "other", sysconfigPlatform: "solaris-2.11-i86pc" }), [
      "solaris_2_11_i86pc",
    ]);
  });
});
