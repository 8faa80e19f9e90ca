// `--python-platform` targets: uv's names (and their tag-style aliases) → a Platform for the
// wheel tags and the platform markers Python reports there; unknown names are refused with the
// list of accepted ones.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  formatTag,
  TARGET_PLATFORM_NAMES,
  Tags,
  targetPlatform,
  targetPlatformName,
} from "../../src/platform-tags/index.ts";

/** The first (most preferred) tags of CPython 3.12 on the target. */
function firstTags(name: string, count: number, options = {}): string[] {
  const { platform } = targetPlatform(name, options);
  const tags = Tags.fromEnv({ pythonVersion: [3, 12], implementation: "cpython", platform });
  return tags.tags.slice(0, count).map(formatTag);
}

describe("targetPlatform", () => {
  it("gives each OS its markers as Python reports them there", () => {
    const cases: [string, string, string, string, string][] = [
      // name, os_name, sys_platform, platform_system, platform_machine
      ["linux", "posix", "linux", "Linux", "x86_64"],
      ["aarch64-unknown-linux-gnu", "posix", "linux", "Linux", "aarch64"],
      ["x86_64-unknown-linux-musl", "posix", "linux", "Linux", "x86_64"],
      ["macos", "posix", "darwin", "Darwin", "arm64"],
      ["x86_64-apple-darwin", "posix", "darwin", "Darwin", "x86_64"],
      ["windows", "nt", "win32", "Windows", "AMD64"],
      ["aarch64-pc-windows-msvc", "nt", "win32", "Windows", "ARM64"],
      ["i686-pc-windows-msvc", "nt", "win32", "Windows", "x86"],
      ["aarch64-manylinux_2_31", "posix", "linux", "Linux", "aarch64"],
    ];
    for (const [name, osName, sysPlatform, system, machine] of cases) {
      const { markers } = targetPlatform(name);
      assert.deepEqual(
        markers,
        {
          os_name: osName,
          sys_platform: sysPlatform,
          platform_system: system,
          platform_machine: machine,
          platform_release: "",
          platform_version: "",
        },
        name,
      );
    }
  });

  it("computes the wheel tags of uv's defaults: manylinux 2.28 for linux, macOS 13 for macos", () => {
    assert.deepEqual(firstTags("linux", 3), [
      "cp312-cp312-manylinux_2_28_x86_64",
      "cp312-cp312-manylinux_2_27_x86_64",
      "cp312-cp312-manylinux_2_26_x86_64",
    ]);
    assert.deepEqual(firstTags("x86_64-manylinux2014", 2), [
      "cp312-cp312-manylinux_2_17_x86_64",
      "cp312-cp312-manylinux2014_x86_64",
    ]);
    assert.deepEqual(firstTags("aarch64-manylinux_2_40", 1), [
      "cp312-cp312-manylinux_2_40_aarch64",
    ]);
    assert.deepEqual(firstTags("aarch64-unknown-linux-musl", 2), [
      "cp312-cp312-musllinux_1_2_aarch64",
      "cp312-cp312-musllinux_1_1_aarch64",
    ]);
    assert.deepEqual(firstTags("macos", 2), [
      "cp312-cp312-macosx_13_0_arm64",
      "cp312-cp312-macosx_13_0_universal2",
    ]);
    assert.deepEqual(firstTags("x86_64-apple-darwin", 1), ["cp312-cp312-macosx_13_0_x86_64"]);
    assert.deepEqual(firstTags("windows", 2), ["cp312-cp312-win_amd64", "cp312-abi3-win_amd64"]);
    assert.deepEqual(firstTags("i686-pc-windows-msvc", 1), ["cp312-cp312-win32"]);
    assert.deepEqual(firstTags("aarch64-pc-windows-msvc", 1), ["cp312-cp312-win_arm64"]);
    assert.deepEqual(firstTags("riscv64-unknown-linux", 1), ["cp312-cp312-manylinux_2_39_riscv64"]);
  });

  it("takes the macOS version from MACOSX_DEPLOYMENT_TARGET, ignoring one it cannot read", () => {
    assert.deepEqual(firstTags("macos", 1, { macosDeploymentTarget: "14.2" }), [
      // From macOS 11 on, tags carry the major version only.
      "cp312-cp312-macosx_14_0_arm64",
    ]);
    assert.deepEqual(firstTags("x86_64-apple-darwin", 1, { macosDeploymentTarget: "11" }), [
      "cp312-cp312-macosx_11_0_x86_64",
    ]);
    assert.deepEqual(firstTags("x86_64-apple-darwin", 1, { macosDeploymentTarget: "10.15" }), [
      "cp312-cp312-macosx_10_15_x86_64",
    ]);
    assert.deepEqual(firstTags("macos", 1, { macosDeploymentTarget: "fourteen" }), [
      "cp312-cp312-macosx_13_0_arm64",
    ]);
  });

  it("accepts the tag-style spellings of manylinux names, and the unlisted architectures", () => {
    assert.equal(targetPlatformName("manylinux_2_28_x86_64"), "x86_64-manylinux_2_28");
    assert.equal(targetPlatformName("manylinux2014_aarch64"), "aarch64-manylinux2014");
    assert.equal(targetPlatformName(" linux "), "linux");
    assert.equal(targetPlatform("manylinux_2_17_x86_64").name, "x86_64-manylinux_2_17");
    assert.deepEqual(firstTags("powerpc64le-unknown-linux-gnu", 1), [
      "cp312-cp312-manylinux_2_28_ppc64le",
    ]);
    assert.deepEqual(firstTags("s390x-manylinux_2_17", 1), ["cp312-cp312-manylinux_2_17_s390x"]);
    assert.deepEqual(firstTags("loongarch64-unknown-linux-gnu", 1), [
      "cp312-cp312-manylinux_2_36_loongarch64",
    ]);
    // Listed names are uv's visible ones only.
    assert.ok(TARGET_PLATFORM_NAMES.includes("x86_64-manylinux_2_40"));
    assert.ok(!TARGET_PLATFORM_NAMES.includes("s390x-unknown-linux-gnu"));
    assert.ok(!TARGET_PLATFORM_NAMES.includes("manylinux_2_28_x86_64"));
    assert.deepEqual(TARGET_PLATFORM_NAMES.slice(0, 3), ["windows", "linux", "macos"]);
  });

  it("refuses an unknown name, listing the accepted ones", () => {
    for (const given of [
      "freebsd",
      "Linux",
      "x86_64-manylinux_2_29",
      "manylinux_2_28",
      "",
      "arm64-apple-ios",
    ]) {
      assert.equal(targetPlatformName(given), undefined, given);
      assert.throws(
        () => targetPlatform(given),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, "invalid-python-platform", given);
          assert.ok(error.message.includes(`\`${given}\``), error.message);
          assert.match(
            error.message,
            /expected one of windows, linux, macos, x86_64-pc-windows-msvc,/,
          );
          return true;
        },
      );
    }
  });
});
