// The universal packse scenarios through `pip compile --universal -o pylock.toml`, checked by
// the reference implementation of PEP 751 selection: packaging 26.3's `packaging.pylock`
// (installed from the offline index into a venv of this test's own) validates each lock and
// selects from it for every environment of the matrix (platform × machine × implementation ×
// Python, with wheel tags for each); the packages it selects must be those uv's expected lock
// installs there. Skips with a message without a pyenv Python or packaging 26.3.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import type { MarkerEnvironment } from "../../src/pep508/index.ts";
import { IndexServer } from "../support/index-server.ts";
import { indexFiles } from "../support/packse.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";
import {
  environmentMatrix,
  KNOWN_DIFFERENCES,
  universalScenarios,
} from "../support/universal-scenarios.ts";

const run = promisify(execFile);
const newest = newestPyenvPython();
const PACKAGING = "/opt/pypi/files/packaging-26.3-py3-none-any.whl";
const skip =
  newest === undefined
    ? "no pyenv Python 3.8+ on this machine"
    : !existsSync(PACKAGING)
      ? "packaging 26.3 is not in the offline index"
      : false;
const root = testDirectory("universal-pylock-oracle");
const env = { PUFFIN_CACHE_DIR: join(root, "cache") };
const servers: IndexServer[] = [];

/**
 * Reads a lock with `packaging.pylock` and prints, for each environment of a JSON list, the
 * `name==version`s it selects (with tags for that environment), or the selection error.
 */
const SELECT = `
import json, sys, tomllib
from packaging import tags
from packaging.pylock import Pylock
lock = Pylock.from_dict(tomllib.load(open(sys.argv[1], "rb")))
PLATFORMS = {
    ("linux", "x86_64"): ["manylinux_2_17_x86_64", "manylinux2014_x86_64", "linux_x86_64"],
    ("linux", "arm64"): ["manylinux_2_17_aarch64", "manylinux2014_aarch64", "linux_aarch64"],
    ("darwin", "x86_64"): ["macosx_14_0_x86_64", "macosx_10_9_x86_64"],
    ("darwin", "arm64"): ["macosx_14_0_arm64"],
    ("win32", "x86_64"): ["win_amd64"],
    ("win32", "arm64"): ["win_arm64"],
}
result = []
for environment in json.load(open(sys.argv[2])):
    minor = tuple(int(p) for p in environment["python_version"].split("."))
    platforms = PLATFORMS.get((environment["sys_platform"], environment["platform_machine"]), [])
    if environment["implementation_name"] == "cpython":
        supported = list(tags.cpython_tags(minor, platforms=platforms))
    else:
        supported = list(tags.generic_tags("pp" if environment["implementation_name"] == "pypy" else "ip", platforms=platforms))
    supported += list(tags.compatible_tags(minor, platforms=platforms))
    try:
        selected = {p.name: str(p.version) for p, _ in lock.select(environment=environment, tags=supported)}
        result.append({"selected": selected})
    except Exception as error:
        result.append({"error": f"{type(error).__name__}: {error}"})
json.dump(result, sys.stdout)
`;

after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe("universal locks selected by packaging.pylock (oracle)", { skip }, () => {
  let python = "";
  before(async () => {
    await run(newest!.executable, ["-m", "venv", join(root, "venv")]);
    python = join(root, "venv", "bin", "python");
    await run(python, ["-m", "pip", "install", "--no-index", "--quiet", PACKAGING], {
      env: { PATH: "/usr/bin:/bin", PIP_DISABLE_PIP_VERSION_CHECK: "1" },
    });
    writeFileSync(join(root, "pylock_select.py"), SELECT);
  });

  for (const scenario of universalScenarios()) {
    const expected = scenario.expected;
    if (expected === undefined) continue; // uv fails: nothing to lock
    test(scenario.path, { todo: KNOWN_DIFFERENCES.get(scenario.path) ?? false }, async () => {
      const server = await IndexServer.start({ files: indexFiles(scenario.scenario) });
      servers.push(server);
      const name = scenario.path.replaceAll("/", "_");
      const input = join(root, `${name}.in`);
      writeFileSync(input, scenario.requirements.map((r) => `${r}\n`).join(""));
      const lock = join(root, name, "pylock.toml");
      const compiled = await runPuffin(
        [
          "pip",
          "compile",
          input,
          "--universal",
          "-o",
          lock,
          "--python",
          newest!.executable,
          "--python-version",
          scenario.python,
          "-i",
          server.indexUrl,
          ...(scenario.resolution === undefined ? [] : ["--resolution", scenario.resolution]),
        ],
        { cwd: root, env },
      );
      assert.equal(compiled.status, 0, compiled.stderr);
      const environments: MarkerEnvironment[] = environmentMatrix(scenario.python);
      const list = join(root, `${name}.environments.json`);
      writeFileSync(list, JSON.stringify(environments));
      const { stdout } = await run(python, [join(root, "pylock_select.py"), lock, list], {
        maxBuffer: 1 << 26,
      });
      const selections = JSON.parse(stdout) as {
        selected?: Record<string, string>;
        error?: string;
      }[];
      environments.forEach((environment, i) => {
        const want = Object.fromEntries(expected(environment));
        const got = selections[i]!;
        // A package whose wheels are all for other Pythons or platforms (and has no sdist) is
        // in the lock but cannot be installed here, from uv's lock either: packaging says so.
        const unavailable = /No wheel found .* for package '([^']+)'/.exec(got.error ?? "");
        if (unavailable !== null) {
          assert.ok(unavailable[1]! in want, `${got.error} in ${JSON.stringify(environment)}`);
          return;
        }
        assert.deepEqual(
          got.selected,
          want,
          `in ${JSON.stringify(environment)}: ${got.error ?? ""}`,
        );
      });
    });
  }
});
