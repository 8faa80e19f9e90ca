// The heavy interoperability oracle of PEP 751 (`npm run test:oracles`, which CI runs; not part
// of `npm test`): Puffin locks the bench's `large` set (284 packages) into a `pylock.toml`
// against the machines' offline index, then pip 26.2.1 (from that index, in a venv of this
// test's own) installs the lock into one fresh venv (`pip install -r pylock.toml`) and
// `puffin pip sync pylock.toml` into another: both must freeze the same, which must be the set's
// pins. Skips with a message without pyenv's 3.11, the offline index or pip 26.2.1 in it.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { promisify } from "node:util";
import { offlineIndex, puffinIndexFlags } from "../../bench/offline-index.ts";
import { parsePylock } from "../../src/pylock/index.ts";
import { pyenvPythons } from "../support/pyenv-pythons.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";

const run = promisify(execFile);
const python = pyenvPythons().find((p) => p.minor[0] === 3 && p.minor[1] === 11);
const PIP = "/opt/pypi/files/pip-26.2.1-py3-none-any.whl";
const index = offlineIndex();
const skip =
  python === undefined
    ? "no pyenv Python 3.11 on this machine"
    : typeof index === "string"
      ? index
      : !existsSync(PIP)
        ? "pip 26.2.1 is not in the offline index"
        : false;
const SETS = new URL("../../bench/sets/", import.meta.url).pathname;
const root = testDirectory("pylock-large-oracle");
const env = { PATH: "/usr/bin:/bin", PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1" };
const puffinEnv = { ...env, PUFFIN_CACHE_DIR: join(root, "cache") };

describe("pip 26 and Puffin install Puffin's lock of the large set alike (oracle)", {
  skip,
}, () => {
  let pip = "";
  before(async () => {
    await run(python!.executable, ["-m", "venv", join(root, "tools")], { env });
    pip = join(root, "tools", "bin", "python");
    await run(pip, ["-m", "pip", "install", "--no-index", "--quiet", PIP], { env });
  });

  const venv = async (name: string) => {
    await run(python!.executable, ["-m", "venv", "--without-pip", join(root, name)], { env });
    return join(root, name, "bin", "python");
  };
  const freeze = async (target: string) =>
    (
      await run(pip, ["-m", "pip", "--python", target, "freeze"], { env, maxBuffer: 1 << 26 })
    ).stdout
      .split("\n")
      .filter((line) => line !== "")
      .sort();

  test("large", { timeout: 3_600_000 }, async () => {
    const lock = join(root, "pylock.toml");
    const compiled = await runPuffin(
      [
        "pip",
        "compile",
        join(SETS, "large.in"),
        "-o",
        lock,
        "--python",
        python!.executable,
        ...puffinIndexFlags(index as Exclude<typeof index, string>),
      ],
      { cwd: root, env: puffinEnv },
    );
    assert.equal(compiled.status, 0, compiled.stderr);
    const locked = parsePylock(readFileSync(lock, "utf8"), lock);
    const expected = readFileSync(join(SETS, "compiled", "large.txt"), "utf8")
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith("#"));
    assert.equal(locked.packages.length, expected.length);

    const byPip = await venv("by-pip");
    await run(pip, ["-m", "pip", "--python", byPip, "install", "--no-deps", "-r", lock], {
      env,
      maxBuffer: 1 << 26,
    });
    const byPuffin = await venv("by-puffin");
    const synced = await runPuffin(["pip", "sync", lock, "--python", byPuffin], {
      cwd: root,
      env: puffinEnv,
    });
    assert.equal(synced.status, 0, synced.stderr);
    const pipFreeze = await freeze(byPip);
    assert.deepEqual(await freeze(byPuffin), pipFreeze);
    const normalize = (line: string) => line.toLowerCase().replace(/[-_.]+(?=.*==)/g, "-");
    assert.deepEqual(pipFreeze.map(normalize).sort(), expected.map(normalize).sort());
  });
});
