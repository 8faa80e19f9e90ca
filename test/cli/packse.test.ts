// The packse scenarios (test/corpora/packse, see test/support/packse.ts) through the CLI: each
// scenario becomes a loopback index of real files — a wheel per version and wheel tag, and a real
// sdist where the scenario has one — and then
// - `puffin pip compile` runs in-process against it for the scenario's Python (`--python-version`
//   over the newest pyenv Python); the pins on stdout must be `[expected] packages';
// - `puffin pip install` of the scenario's root requirements into a fresh venv of pyenv's CPython
//   3.12 (every scenario that installs targets 3.12) must install exactly those versions
//   (`pip freeze` of the venv).
// An unsatisfiable scenario must exit 1 with the no-solution report, and install nothing.
// One server per scenario, one cache for all: the servers stay open until the end, so no
// scenario's port (and so index URL, and cache entries) is reused by a later one.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { IndexServer } from "../support/index-server.ts";
import {
  expectedPins,
  indexFiles,
  PACKSE_SCENARIO_COUNT,
  type PackseScenario,
  packsePython,
  packseScenarios,
} from "../support/packse.ts";
import { newestPyenvPython, pyenvPythons } from "../support/pyenv-pythons.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";

const newest = newestPyenvPython();
const python312 = pyenvPythons().find((p) => p.minor[0] === 3 && p.minor[1] === 12);
const scenarios = packseScenarios();
const root = testDirectory("packse-cli");
const env = { PUFFIN_CACHE_DIR: join(root, "cache") };
const servers = new Map<string, Promise<IndexServer>>();

/** The scenario's index, started once and shared by its compile and install tests. */
function serverFor(path: string, scenario: PackseScenario): Promise<IndexServer> {
  let server = servers.get(path);
  if (server === undefined) {
    server = IndexServer.start({ files: indexFiles(scenario) });
    servers.set(path, server);
  }
  return server;
}

/** The scenario's root requirements as a requirements file. */
function inputFor(path: string, scenario: PackseScenario): string {
  const input = join(root, `${path.replaceAll("/", "_")}.in`);
  writeFileSync(input, (scenario.root.requires ?? []).map((r) => `${r}\n`).join(""));
  return input;
}

function prereleaseFlags(scenario: PackseScenario): string[] {
  return scenario.resolver_options?.prereleases === true ? ["--prerelease", "allow"] : [];
}

/** `name==version` lines as a record. */
function pinsOf(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .trim()
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => line.split("==") as [string, string]),
  );
}

after(async () => {
  await Promise.all([...servers.values()].map(async (server) => (await server).close()));
});

describe("packse scenarios through `puffin pip compile`", {
  skip: newest === undefined ? "no pyenv Python 3.8+ on this machine" : false,
}, () => {
  test("the corpus is all here", () => assert.equal(scenarios.length, PACKSE_SCENARIO_COUNT));

  for (const { path, scenario } of scenarios) {
    test(path, async () => {
      const server = await serverFor(path, scenario);
      const run = await runPuffin(
        [
          "pip",
          "compile",
          inputFor(path, scenario),
          "--no-header",
          "--no-annotate",
          "--python",
          newest!.executable,
          "--python-version",
          packsePython(scenario),
          "-i",
          server.indexUrl,
          ...prereleaseFlags(scenario),
        ],
        { cwd: root, env },
      );
      if (!scenario.expected.satisfiable) {
        assert.equal(run.status, 1, `unsatisfiable, yet: ${run.stdout}`);
        assert.match(run.stderr, /No solution found when resolving dependencies:/);
        return;
      }
      assert.equal(run.status, 0, run.stderr);
      const expected = expectedPins(scenario);
      if (expected !== undefined) assert.deepEqual(pinsOf(run.stdout), expected);
    });
  }
});

describe("packse scenarios through `puffin pip install`", {
  skip: python312 === undefined ? "no pyenv CPython 3.12 on this machine" : false,
}, () => {
  test("every scenario targets CPython 3.12", () => {
    assert.deepEqual(
      scenarios.filter(({ scenario }) => packsePython(scenario) !== "3.12").map((s) => s.path),
      [],
    );
  });

  for (const { path, scenario } of scenarios) {
    test(path, async () => {
      const server = await serverFor(path, scenario);
      const venv = join(root, "venvs", path.replaceAll("/", "_"));
      const made = await runPuffin(["venv", venv, "--python", python312!.executable], {
        cwd: root,
        env,
      });
      assert.equal(made.status, 0, made.stderr);
      const python = join(venv, "bin", "python");
      const run = await runPuffin(
        [
          "pip",
          "install",
          "-r",
          inputFor(path, scenario),
          "--python",
          python,
          "-i",
          server.indexUrl,
          ...prereleaseFlags(scenario),
        ],
        { cwd: root, env },
      );
      const freeze = async () => {
        const listed = await runPuffin(["pip", "freeze", "--python", python], { cwd: root, env });
        assert.equal(listed.status, 0, listed.stderr);
        return pinsOf(listed.stdout);
      };
      if (!scenario.expected.satisfiable) {
        assert.equal(run.status, 1, `unsatisfiable, yet: ${run.stderr}`);
        assert.match(run.stderr, /No solution found when resolving dependencies:/);
        assert.deepEqual(await freeze(), {});
        return;
      }
      assert.equal(run.status, 0, run.stderr);
      const expected = expectedPins(scenario);
      if (expected !== undefined) assert.deepEqual(await freeze(), expected);
    });
  }
});
