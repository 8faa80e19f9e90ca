// The interoperability oracle of PEP 751 locks: pip 26.2.1 (installed from the offline index
// into a venv of this test's own) writes a `pylock.toml` with `pip lock`; `puffin pip sync`
// installs it into one fresh venv and pip 26 (`pip install -r pylock.toml`) into another; both
// must freeze the same. Then the other way: Puffin's `renderPylock` of the same packages must
// be read by pip (`packaging.pylock` inside it) and install the same. Needs pyenv 3.11, the
// offline index and pip 26.2.1 in it; skips with a message otherwise.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { Cache } from "../../src/cache/index.ts";
import { findBaseInterpreter, queryInterpreter } from "../../src/interpreter/index.ts";
import { parsePylock, renderPylock } from "../../src/pylock/index.ts";
import { createVenv } from "../../src/venv/index.ts";
import { presentOfflineIndexes } from "../support/offline-index.ts";
import { pyenvPythons } from "../support/pyenv-pythons.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";

const run = promisify(execFile);
const python = pyenvPythons().find((p) => p.minor[0] === 3 && p.minor[1] === 11);
const indexes = presentOfflineIndexes();
const PIP_FILES = "/opt/pypi/files";
const pipWheel = existsSync(PIP_FILES)
  ? readdirSync(PIP_FILES).find((name) => name === "pip-26.2.1-py3-none-any.whl")
  : undefined;
const skip =
  python === undefined
    ? "no pyenv Python 3.11 on this machine"
    : indexes.length === 0
      ? "the offline index (/opt/pypi) is absent"
      : pipWheel === undefined
        ? "pip 26.2.1 is not in the offline index"
        : false;
const root = testDirectory("pylock-oracle");
const env = { PATH: "/usr/bin:/bin", PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1" };
/** Resolves in the offline index: a handful of pure-Python wheels with dependencies. */
const REQUIREMENTS = ["requests", "attrs", "click"];
const indexArgs = () => [
  "--index-url",
  pathToFileURL(indexes[0]!).href,
  ...indexes.slice(1).flatMap((index) => ["--extra-index-url", pathToFileURL(index).href]),
];

describe("pylock.toml interoperability with pip 26 (oracle)", { skip }, () => {
  const cache = Cache.at(join(root, "probe-cache"));
  let tools = "";
  const venv = async (name: string) => {
    const base = await findBaseInterpreter({ python: python!.executable, env, cwd: root, cache });
    const created = await createVenv({
      location: join(root, name),
      interpreter: base,
      prompt: undefined,
      systemSitePackages: false,
      clear: false,
      puffinVersion: "0.0.0-test",
    });
    await queryInterpreter(created.python, { cache });
    return created.python;
  };
  /** pip 26 of the tools venv, run on `target` when given (`pip --python`). */
  const pip = (args: readonly string[], target?: string) =>
    run(
      tools,
      ["-m", "pip", "--isolated", ...(target === undefined ? [] : ["--python", target]), ...args],
      { env, maxBuffer: 1 << 26 },
    );
  const freeze = async (target: string) => (await pip(["freeze"], target)).stdout;
  const puffinSync = (lock: string, target: string) =>
    runPuffin(
      ["--cache-dir", join(root, "cache"), "pip", "sync", lock, "--python", target, ...indexArgs()],
      { env, cwd: root },
    );

  before(async () => {
    await run(python!.executable, ["-m", "venv", join(root, "tools")], { env });
    tools = join(root, "tools", "bin", "python");
    await pip(["install", "-q", "--no-index", "--find-links", PIP_FILES, "pip==26.2.1"]);
    assert.match((await pip(["--version"])).stdout, /^pip 26\.2\.1 /);
  });

  test("Puffin installs what `pip lock` wrote exactly as pip 26 installs it", async () => {
    const lock = join(root, "pylock.toml");
    await pip(["lock", ...indexArgs(), "-o", lock, ...REQUIREMENTS]);
    const parsed = parsePylock(readFileSync(lock, "utf8"), lock);
    assert.equal(parsed.createdBy, "pip");
    assert.ok(
      parsed.packages.length >= REQUIREMENTS.length + 3,
      "requests brings its dependencies",
    );

    const [byPuffin, byPip] = await Promise.all([venv("puffin"), venv("pip")]);
    const synced = await puffinSync(lock, byPuffin);
    assert.equal(synced.status, 0, synced.stderr);
    await pip(["install", "--no-deps", "-r", lock, ...indexArgs()], byPip);
    const expected = await freeze(byPip);
    assert.equal(await freeze(byPuffin), expected);
    for (const name of REQUIREMENTS) assert.match(expected, new RegExp(`^${name}==`, "m"));
  });

  test("pip 26 installs the lock Puffin renders from the same packages, as Puffin does", async () => {
    const pipLock = parsePylock(readFileSync(join(root, "pylock.toml"), "utf8"), "pylock.toml");
    const ours = join(root, "ours", "pylock.toml");
    await run("mkdir", ["-p", join(root, "ours")]);
    writeFileSync(ours, renderPylock({ ...pipLock, createdBy: "puffin" }));
    // packaging.pylock as pip vendors it validates the file.
    await run(tools, [
      "-c",
      "import sys, tomllib; from pip._vendor.packaging.pylock import Pylock; Pylock.from_dict(tomllib.load(open(sys.argv[1], 'rb'))).validate()",
      ours,
    ]);
    const [byPuffin, byPip] = await Promise.all([venv("ours-puffin"), venv("ours-pip")]);
    const synced = await puffinSync(ours, byPuffin);
    assert.equal(synced.status, 0, synced.stderr);
    await pip(["install", "--no-deps", "-r", ours, ...indexArgs()], byPip);
    assert.equal(await freeze(byPuffin), await freeze(byPip));
  });
});
