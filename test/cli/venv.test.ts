import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { BIN, NOT_BUILT } from "../support/built-package.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";

const root = testDirectory("cli-venv");
const python = newestPyenvPython();
const skip = python === undefined ? "no pyenv Python 3.8+ on this machine" : false;
let counter = 0;

/** Runs `puffin ARGS` in-process in a fresh directory, with a private cache. */
async function puffin(args: string[], env: NodeJS.ProcessEnv = {}) {
  const cwd = join(root, String(counter++));
  mkdirSync(cwd);
  const run = await runPuffin(args, {
    env: { PATH: "/usr/bin:/bin", PUFFIN_CACHE_DIR: join(root, "cache"), ...env },
    cwd,
  });
  return { ...run, cwd };
}

describe("puffin venv", { skip }, () => {
  const executable = python?.executable ?? "";

  test("creates .venv and says so on stderr, like uv", async () => {
    const { status, stdout, stderr, cwd } = await puffin(["venv", "--python", executable]);
    assert.equal(status, 0, stderr);
    assert.equal(stdout, "");
    assert.equal(
      stderr,
      [
        `Using Python ${python?.version} interpreter at: ${executable}`,
        "Creating virtual environment at: .venv",
        "Activate with: source .venv/bin/activate",
        "",
      ].join("\n"),
    );
    assert.ok(existsSync(join(cwd, ".venv", "pyvenv.cfg")));
  });

  test("PATH, --prompt, --system-site-packages and the user's shell", async () => {
    const { status, stderr, cwd } = await puffin(
      ["venv", "my env", "-p", executable, "--prompt", "demo", "--system-site-packages"],
      { SHELL: "/usr/bin/fish" },
    );
    assert.equal(status, 0, stderr);
    assert.match(stderr, /Activate with: source 'my env\/bin\/activate\.fish'\n$/);
    const config = readFileSync(join(cwd, "my env", "pyvenv.cfg"), "utf8");
    assert.match(config, /^prompt = demo$/m);
    assert.match(config, /^include-system-site-packages = true$/m);
  });

  test("`--prompt .` uses the current directory's name", async () => {
    const { status, cwd } = await puffin(["venv", "-p", executable, "--prompt", "."]);
    assert.equal(status, 0);
    const name = cwd.split("/").at(-1);
    assert.match(
      readFileSync(join(cwd, ".venv", "pyvenv.cfg"), "utf8"),
      new RegExp(`^prompt = ${name}$`, "m"),
    );
  });

  test("-q prints nothing; a second run uses the interpreter cache", async () => {
    const first = await puffin(["-q", "venv", "--python", executable]);
    assert.equal(first.status, 0);
    assert.equal(first.stderr, "");
    const entries = readdirSync(join(root, "cache", "interpreter-v1"));
    assert.ok(entries.length >= 1);
    const debug = await puffin(["-v", "venv", "--python", executable]);
    assert.match(debug.stderr, /Cached interpreter info for /);
    assert.doesNotMatch(debug.stderr, /Probing interpreter/);
  });

  test("the global --cache-dir applies after `venv` too; --no-cache leaves no entry", async () => {
    const cacheDir = join(root, "other-cache");
    const { status } = await puffin(["venv", "--python", executable, "--cache-dir", cacheDir]);
    assert.equal(status, 0);
    assert.equal(readdirSync(join(cacheDir, "interpreter-v1")).length, 1);
    const uncached = await puffin(["-v", "venv", "--python", executable, "--no-cache"], {
      PUFFIN_CACHE_DIR: cacheDir,
    });
    assert.equal(uncached.status, 0);
    assert.match(uncached.stderr, /Probing interpreter/);
  });

  test("an existing non-environment directory: exit 1 with the reason and a hint", async () => {
    const cwd = join(root, "occupied");
    mkdirSync(join(cwd, "stuff"), { recursive: true });
    writeFileSync(join(cwd, "stuff", "file.txt"), "");
    const { status, stderr } = await puffin([
      "venv",
      join(cwd, "stuff"),
      "-p",
      executable,
      "--clear",
    ]);
    assert.equal(status, 1);
    assert.match(stderr, /error: `.*stuff` exists and is not a virtual environment/);
    assert.match(stderr, /hint: choose another path/);
  });

  test("an interpreter that does not exist: exit 1", async () => {
    const { status, stderr } = await puffin(["venv", "-p", "3.99"]);
    assert.equal(status, 1);
    assert.match(stderr, /error: No interpreter found for Python 3\.99/);
  });
});

describe("puffin venv in the CLI's shape", () => {
  test("`puffin --help` lists the venv command; `puffin venv --help` its options", async () => {
    const help = await puffin(["--help"]);
    assert.match(help.stdout, /venv \[options\] \[PATH\]\s+Create a virtual environment/);
    const venvHelp = await puffin(["venv", "--help"]);
    for (const option of ["--python", "--prompt", "--system-site-packages", "--clear"]) {
      assert.ok(venvHelp.stdout.includes(option), `venv --help mentions ${option}`);
    }
  });

  test("the bundle loads the interpreter and venv code only when `venv` runs", (t) => {
    if (NOT_BUILT) return t.skip(NOT_BUILT);
    const main = readFileSync(BIN, "utf8");
    assert.ok(!main.includes("unsupported-python"), "the probe is not in the main chunk");
    const result = spawnSync(process.execPath, [BIN, "venv", "--help"], { encoding: "utf8" });
    assert.equal(result.status, 0);
  });
});
