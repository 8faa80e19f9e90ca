import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseConfigSettings } from "../../src/cli/build-options.ts";
import { type BuildOptionValues, buildSettings } from "../../src/cli/settings.ts";
import { PackageName } from "../../src/normalize/index.ts";
import type { BinarySelection } from "../../src/operations/index.ts";
import { Session } from "../../src/operations/session.ts";
import { PuffinError } from "../../src/support/index.ts";
import { fakeInterpreter } from "../support/fake-venv.ts";
import { testDirectory } from "../support/temp-dir.ts";

const root = testDirectory("build-options");

/** The build options a command's builds get from its flags and its binary selections. */
async function buildOptions(
  values: BuildOptionValues,
  binaries: { noBinary: BinarySelection[]; onlyBinary: BinarySelection[] },
) {
  const session = await Session.open({
    invocation: { cwd: root, env: {} },
    cache: { cacheDir: root, env: {} },
    index: {
      indexUrl: undefined,
      extraIndexUrls: [],
      indexStrategy: "first-index",
      findLinks: [],
      noIndex: true,
      offline: true,
      refresh: { kind: "none" },
    },
  });
  const files = { requirements: [], noBinary: [], onlyBinary: [] };
  const builds = session.builds(fakeInterpreter(root), buildSettings(values, {}), files, {
    binary: binaries,
    puffinVersion: "0.0.0-test",
  });
  const { noBuild, noBinary, configSettings } = builds.options;
  return { noBuild, noBinary, configSettings };
}

describe("build options", () => {
  test("--config-setting: one value per key, repeated keys become lists (as pip passes them)", () => {
    assert.deepEqual(parseConfigSettings(["a=1", "b=x=y", "a=2", "c="]), {
      a: ["1", "2"],
      b: "x=y",
      c: "",
    });
  });

  for (const bad of ["novalue", "=value"]) {
    test(`--config-setting ${JSON.stringify(bad)} is an error naming it`, () => {
      assert.throws(
        () => parseConfigSettings([bad]),
        (error) =>
          error instanceof PuffinError &&
          error.code === "invalid-config-setting" &&
          error.message.includes(bad),
      );
    });
  }

  const foo = PackageName.parse("foo");
  const table: [
    string,
    Parameters<typeof buildOptions>,
    Awaited<ReturnType<typeof buildOptions>>,
  ][] = [
    [
      "defaults: build everything, use every wheel",
      [{}, { noBinary: [], onlyBinary: [] }],
      { noBuild: { kind: "none" }, noBinary: { kind: "none" }, configSettings: {} },
    ],
    [
      "--no-build builds nothing",
      [{ build: false }, { noBinary: [], onlyBinary: [foo] }],
      { noBuild: { kind: "all" }, noBinary: { kind: "none" }, configSettings: {} },
    ],
    [
      "--only-binary names what is never built; --no-binary :all:",
      [{ configSetting: ["k=v"] }, { noBinary: [":all:"], onlyBinary: [foo] }],
      {
        noBuild: { kind: "packages", names: new Set([foo]) },
        noBinary: { kind: "all" },
        configSettings: { k: "v" },
      },
    ],
  ];
  for (const [name, args, expected] of table) {
    test(name, async () => assert.deepEqual(await buildOptions(...args), expected));
  }
});
