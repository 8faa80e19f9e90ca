import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { pyenvPythons } from "../support/pyenv-pythons.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";

const run = promisify(execFile);
const OFFLINE_INDEX = "/opt/pypi/simple";
const root = testDirectory("cli-venv-seed");
const env = { PATH: "/usr/bin:/bin", PUFFIN_CACHE_DIR: join(root, "cache") };
const pythons = pyenvPythons().filter((p) => p.minor[0] === 3 && p.minor[1] >= 9);
/** The newest Python (pip only) and one before 3.12 (pip, setuptools and wheel). */
const cases = [pythons.at(-1), pythons.filter((p) => p.minor[1] < 12).at(-1)].filter(
  (p) => p !== undefined,
);
const skip = !existsSync(join(OFFLINE_INDEX, "pip"))
  ? `the offline index (${OFFLINE_INDEX}) with pip is absent`
  : cases.length === 0
    ? "no pyenv Python 3.9+ on this machine"
    : false;

describe("puffin venv --seed", { skip }, () => {
  for (const python of cases) {
    test(`seeds a Python ${python.version} venv whose pip works`, async () => {
      const cwd = join(root, python.version);
      mkdirSync(cwd, { recursive: true });
      const index = pathToFileURL(OFFLINE_INDEX).href;
      const result = await runPuffin(
        ["venv", "--seed", "--python", python.executable, "--index-url", index],
        { env, cwd },
      );
      assert.equal(result.status, 0, result.stderr);
      const seeds = python.minor[1] < 12 ? ["pip", "setuptools", "wheel"] : ["pip"];
      const lines = result.stderr.split("\n");
      assert.equal(lines[1], "Creating virtual environment with seed packages at: .venv");
      // The seeds and what they depend on (wheel needs packaging since 0.46).
      const added = lines
        .filter((line) => line.startsWith(" + "))
        .map((line) => line.slice(3).split("==")[0]!);
      for (const name of seeds) assert.ok(added.includes(name), `${name} in ${added}`);
      assert.match(result.stderr, /Activate with: source \.venv\/bin\/activate\n$/);

      const venvPython = join(cwd, ".venv", "bin", "python");
      const pip = await run(venvPython, ["-m", "pip", "--version"], { env });
      assert.match(pip.stdout, new RegExp(`^pip \\S+ from ${cwd}/\\.venv/lib/`));
      const list = await run(venvPython, ["-m", "pip", "list", "--format", "freeze"], { env });
      assert.deepEqual(
        list.stdout
          .trim()
          .split("\n")
          .map((line) => line.split("==")[0]!.toLowerCase())
          .sort(),
        added,
        "pip sees exactly what was installed",
      );
    });
  }
});
