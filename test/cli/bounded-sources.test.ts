// Requirement sources are read with a bound on their size: `/dev/zero` or an endless pipe named
// as a requirements, constraints or overrides file, `pyproject.toml` or stdin fails fast with
// `requirements-too-large` instead of reading until the memory runs out; FIFOs, `/dev/stdin`
// and process substitutions still work.
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { REQUIREMENTS_FILE_LIMIT } from "../../src/requirements-txt/index.ts";
import { writeFakeVenv } from "../support/fake-venv.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { writeWheel } from "../support/wheel-builder.ts";

const root = testDirectory("bounded-sources");
const links = join(root, "links");
const venv = writeFakeVenv(join(root, "venv"));
const env = { PUFFIN_CACHE_DIR: join(root, "cache"), PATH: "/usr/bin:/bin" };
const TOO_LARGE = /^error: Requirements file `(.+)` is larger than 64 MiB/m;

const compile = (args: string[], stdin?: string | (() => AsyncIterable<string | Uint8Array>)) =>
  runPuffin(
    ["pip", "compile", ...args, "--python", venv.python, "--no-index", "--find-links", links],
    { cwd: root, env, ...(stdin === undefined ? {} : { stdin }) },
  );

/** The failure of a source too large: exit 1, one error line naming it, no stack trace. */
function assertTooLarge(run: { status: number; stderr: string }, shown: string): void {
  assert.equal(run.status, 1, run.stderr);
  assert.equal(TOO_LARGE.exec(run.stderr)?.[1], shown, run.stderr);
  assert.doesNotMatch(run.stderr, /^\s+at /m);
}

describe("requirement sources are read with a bound", () => {
  before(() => {
    mkdirSync(links);
    writeWheel(links, { name: "flask", version: "3.0.0" });
    writeFileSync(join(root, "requirements.in"), "flask\n");
  });

  test("pip compile /dev/zero", async () => {
    assertTooLarge(await compile(["/dev/zero"]), "/dev/zero");
  });

  test("-r /dev/zero inside a requirements file names where it was included", async () => {
    writeFileSync(join(root, "includes.in"), "flask\n-r /dev/zero\n");
    const run = await compile(["includes.in"]);
    assertTooLarge(run, "/dev/zero");
    assert.match(run.stderr, /\(included at includes\.in:2\)/);
  });

  test("-c /dev/zero and --override /dev/zero", async () => {
    assertTooLarge(await compile(["requirements.in", "-c", "/dev/zero"]), "/dev/zero");
    assertTooLarge(await compile(["requirements.in", "--override", "/dev/zero"]), "/dev/zero");
  });

  test("pip install -r /dev/zero", async () => {
    const run = await runPuffin(
      ["pip", "install", "-r", "/dev/zero", "--python", venv.python, "--no-index"],
      { cwd: root, env },
    );
    assertTooLarge(run, "/dev/zero");
  });

  test("a pyproject.toml that is an endless device", async () => {
    mkdirSync(join(root, "project"));
    symlinkSync("/dev/zero", join(root, "project", "pyproject.toml"));
    assertTooLarge(await compile(["project/pyproject.toml"]), "project/pyproject.toml");
  });

  test("stdin fed forever: read no further than the limit", async () => {
    let given = 0;
    const chunk = Buffer.from("flask\n".repeat(10_000));
    async function* endless() {
      for (;;) {
        given += chunk.length;
        yield chunk;
      }
    }
    assertTooLarge(await compile(["-"], endless), "-");
    assert.ok(given <= REQUIREMENTS_FILE_LIMIT + chunk.length, `read ${given} bytes`);
  });

  test("stdin, a FIFO and /dev/stdin of a normal size still work", async (t) => {
    const stdin = await compile(["-", "--no-header"], "flask\n");
    assert.equal(stdin.status, 0, stdin.stderr);
    assert.match(stdin.stdout, /^flask==3\.0\.0$/m);

    const fifo = join(root, "fifo.in");
    try {
      execFileSync("mkfifo", [fifo]);
    } catch {
      return t.skip("no mkfifo here");
    }
    const writer = spawn("sh", ["-c", `echo flask > '${fifo}'`]);
    const done = new Promise((resolve) => writer.on("close", resolve));
    const run = await compile([fifo, "--no-header"]);
    await done;
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^flask==3\.0\.0$/m);
  });

  test("-o naming a device: its zeros are not read as earlier pins (it used to hang)", async () => {
    const run = await compile(["requirements.in", "-o", "/dev/null"]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^flask==3\.0\.0$/m);
    const full = await compile(["requirements.in", "-o", "/dev/full"]);
    assert.equal(full.status, 1);
    assert.match(
      full.stderr,
      /^error: Failed to write \/dev\/full: no space left on device \(ENOSPC\)$/m,
    );
    assert.doesNotMatch(full.stderr, /^\s+at /m);
    assert.equal(readFileSync("/dev/null", "utf8"), "");
  });
});
