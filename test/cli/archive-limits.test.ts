import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { archiveLimitsFromEnv } from "../../src/cli/archive-limits.ts";
import { DEFAULT_ARCHIVE_LIMITS } from "../../src/support/index.ts";
import { IndexServer } from "../support/index-server.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { buildSdist } from "../support/sdist-builder.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel } from "../support/wheel-builder.ts";
import { zeroWheel } from "../support/zip-bomb.ts";

const MiB = 1024 * 1024;

describe("archive limits from the environment", () => {
  test("unset or empty: the defaults", () => {
    assert.deepEqual(archiveLimitsFromEnv({}), DEFAULT_ARCHIVE_LIMITS);
    assert.deepEqual(
      archiveLimitsFromEnv({ PUFFIN_MAX_ARCHIVE_SIZE: "", PUFFIN_MAX_ARCHIVE_ENTRIES: " " }),
      DEFAULT_ARCHIVE_LIMITS,
    );
  });

  const sizes: [string, number][] = [
    ["1048576", MiB],
    ["1MiB", MiB],
    ["16GiB", 16 * 1024 ** 3],
    ["16gib", 16 * 1024 ** 3],
    ["1.5 TiB", 1.5 * 1024 ** 4],
    ["500MB", 500e6],
    ["10kB", 10_000],
    ["2048B", 2048],
  ];
  for (const [value, bytes] of sizes) {
    test(`PUFFIN_MAX_ARCHIVE_SIZE=${value} is ${bytes} bytes`, () => {
      assert.equal(archiveLimitsFromEnv({ PUFFIN_MAX_ARCHIVE_SIZE: value }).maxSize, bytes);
    });
  }

  test("PUFFIN_MAX_ARCHIVE_ENTRIES is a count", () => {
    assert.equal(
      archiveLimitsFromEnv({ PUFFIN_MAX_ARCHIVE_ENTRIES: "250000" }).maxEntries,
      250_000,
    );
  });

  const invalid: [string, string][] = [
    ["PUFFIN_MAX_ARCHIVE_SIZE", "lots"],
    ["PUFFIN_MAX_ARCHIVE_SIZE", "0"],
    ["PUFFIN_MAX_ARCHIVE_SIZE", "-5"],
    ["PUFFIN_MAX_ARCHIVE_SIZE", "10 XB"],
    ["PUFFIN_MAX_ARCHIVE_SIZE", "10G"],
    ["PUFFIN_MAX_ARCHIVE_ENTRIES", "1.5"],
    ["PUFFIN_MAX_ARCHIVE_ENTRIES", "0"],
    ["PUFFIN_MAX_ARCHIVE_ENTRIES", "many"],
  ];
  for (const [variable, value] of invalid) {
    test(`${variable}=${JSON.stringify(value)} is an error naming the variable`, () => {
      assert.throws(() => archiveLimitsFromEnv({ [variable]: value }), {
        code: "invalid-archive-limit",
        message: new RegExp(`^${variable} must be a positive .*, not ${JSON.stringify(value)}$`),
      });
    });
  }
});

const python = newestPyenvPython();
const skip = python === undefined ? "no pyenv Python 3.8+ on this machine" : false;

describe("puffin pip install: archive limits", { skip }, () => {
  const root = testDirectory("cli-archive-limits");
  const cacheDir = join(root, "cache");
  const bomb = zeroWheel({ name: "bomb", version: "1.0", zeros: { "bomb/zeros.bin": 2 * MiB } });
  const small = buildWheel({ name: "small", version: "1.0" });
  const sdistBomb = buildSdist({
    name: "sbomb",
    version: "1.0",
    files: { "sbomb/zeros.bin": new Uint8Array(2 * MiB) },
  });
  let server: IndexServer;
  let venvs: RealVenvs;

  before(async () => {
    venvs = await RealVenvs.of(python!.executable, root);
    server = await IndexServer.start({ files: [bomb, small, sdistBomb] });
  });
  after(() => server.close());

  async function install(name: string, venv: string, env: Record<string, string>) {
    const py = await venvs.create(venv);
    const run = await runPuffin(
      ["--cache-dir", cacheDir, "pip", "install", name, "--index-url", server.indexUrl],
      { env: { PATH: "/usr/bin:/bin", ...env, VIRTUAL_ENV: join(root, venv) }, cwd: root },
    );
    const freeze = await runPuffin(["--cache-dir", cacheDir, "pip", "freeze", "--python", py], {
      env: { PATH: "/usr/bin:/bin" },
      cwd: root,
    });
    return { ...run, installed: freeze.stdout };
  }

  /** The archive bucket holds no temp directory or half-written tree. */
  function archiveBucket(): string[] {
    const bucket = join(cacheDir, "archive-v0");
    return existsSync(bucket) ? readdirSync(bucket) : [];
  }

  test("a wheel past PUFFIN_MAX_ARCHIVE_SIZE: exit 1, the error, nothing installed or left", async () => {
    const before = archiveBucket();
    const run = await install("bomb", "bomb", { PUFFIN_MAX_ARCHIVE_SIZE: "1MiB" });
    assert.equal(run.status, 1, run.stderr);
    assert.match(
      run.stderr,
      /error: Refusing to extract http:\/\/127\.0\.0\.1:\d+\/files\/bomb-1\.0-py3-none-any\.whl: its members declare \d+ bytes in all, more than the limit of 1048576\n/,
    );
    assert.match(run.stderr, /hint: .*PUFFIN_MAX_ARCHIVE_SIZE/);
    assert.equal(run.installed, "");
    assert.deepEqual(archiveBucket(), before);
  });

  test("the same wheel installs under the default limits", async () => {
    const run = await install("bomb", "bomb-ok", {});
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.installed, "bomb==1.0\n");
  });

  test("a wheel with more members than PUFFIN_MAX_ARCHIVE_ENTRIES is refused", async () => {
    const run = await install("small", "small", { PUFFIN_MAX_ARCHIVE_ENTRIES: "2" });
    assert.equal(run.status, 1, run.stderr);
    assert.match(
      run.stderr,
      /error: Refusing to extract .*small-1\.0-py3-none-any\.whl: it holds \d+ members, more than the limit of 2\n/,
    );
    assert.match(run.stderr, /hint: .*PUFFIN_MAX_ARCHIVE_ENTRIES/);
    assert.equal(run.installed, "");
  });

  test("an sdist past PUFFIN_MAX_ARCHIVE_SIZE is refused before any build", async () => {
    const run = await install("sbomb", "sbomb", { PUFFIN_MAX_ARCHIVE_SIZE: "1MiB" });
    assert.equal(run.status, 1, run.stderr);
    assert.match(
      run.stderr,
      /Refusing to extract `sbomb-1\.0\.tar\.gz`: it unpacks to more than 1048576 bytes/,
    );
    assert.equal(run.installed, "");
  });

  test("an invalid PUFFIN_MAX_ARCHIVE_SIZE is an error", async () => {
    const run = await install("small", "invalid", { PUFFIN_MAX_ARCHIVE_SIZE: "lots" });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /error: PUFFIN_MAX_ARCHIVE_SIZE must be a positive number of bytes/);
  });
});
