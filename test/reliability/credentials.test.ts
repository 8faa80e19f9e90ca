// Credentials never leave the process in output: every command that can meet an index URL with a
// password runs against a loopback index that requires it, at the highest verbosity, succeeding
// and failing; then stdout, stderr and every file Puffin wrote (the venv, the cache, `-o` files)
// are searched for the password and for its Basic-auth encoding. The same session checks that an
// index's credentials are kept for the files it links to when its pages come from the cache.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { IndexServer } from "../support/index-server.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { reportFigures } from "../support/reliability.ts";
import { type PuffinRun, runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel } from "../support/wheel-builder.ts";

const python = newestPyenvPython();
const skip = python === undefined ? "no pyenv Python 3.8+ on this machine" : false;
const root = testDirectory("reliability-credentials");
const cacheDir = join(root, "cache");
const env = { PATH: "/usr/bin:/bin" };

const USER = "alice";
const PASSWORD = "Pa55-w0rd-sekret";
const SECRETS = [PASSWORD, Buffer.from(`${USER}:${PASSWORD}`).toString("base64")];

const wheels = {
  alpha: buildWheel({ name: "alpha", version: "1.0", files: { "alpha/__init__.py": "" } }),
  beta: buildWheel({
    name: "beta",
    version: "2.0",
    requiresDist: ["alpha"],
    files: { "beta/__init__.py": "" },
  }),
  gamma: buildWheel({ name: "gamma", version: "3.0", files: { "gamma.py": "" } }),
};

let server: IndexServer;
let venvs: RealVenvs;
const runs: { args: readonly string[]; run: PuffinRun }[] = [];

/** `http://alice:PASSWORD@127.0.0.1:PORT/…` */
function withCredentials(url: string): string {
  return url.replace("://", `://${USER}:${PASSWORD}@`);
}

async function puffin(args: readonly string[]): Promise<PuffinRun> {
  const run = await runPuffin(["--cache-dir", cacheDir, "-vv", ...args], { env, cwd: root });
  runs.push({ args, run });
  return run;
}

/** Every regular file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

describe("credentials never appear in output or written files", { skip }, () => {
  before(async () => {
    venvs = await RealVenvs.of(python!.executable, root);
    server = await IndexServer.start({
      files: Object.values(wheels),
      auth: { username: USER, password: PASSWORD },
    });
  });
  after(() => server.close());

  test("compile, install, sync, inspect and failures; then nothing holds the password", async (t) => {
    const index = withCredentials(server.indexUrl);
    const py = await venvs.create("venv");
    const inFile = join(root, "requirements.in");
    writeFileSync(
      inFile,
      `beta\ngamma @ ${withCredentials(server.fileUrl(wheels.gamma.filename))}\n`,
    );
    const outFile = join(root, "requirements.txt");

    const compiled = await puffin([
      "pip",
      "compile",
      inFile,
      "-i",
      index,
      "--emit-index-url",
      "-o",
      outFile,
    ]);
    assert.equal(compiled.status, 0, compiled.stderr);
    // The header keeps the command with the index masked; the pins keep the URL without them.
    assert.match(compiled.stdout, /-i http:\/\/alice:\*\*\*\*@127\.0\.0\.1/);
    assert.match(compiled.stdout, /gamma @ http:\/\/127\.0\.0\.1:\d+\/files\/gamma-3\.0/);

    // The pages are fresh in the cache now, so this sync never requests the index itself: the
    // credentials of the index must still reach the wheels it links to.
    const requestsBefore = server.requests.length;
    const synced = await puffin(["pip", "sync", outFile, "-i", index, "--python", py]);
    assert.equal(synced.status, 0, synced.stderr);
    const fileRequests = server.requests.slice(requestsBefore);
    assert.ok(fileRequests.length > 0, "the wheels were downloaded");
    assert.ok(
      fileRequests.every((request) => request.status === 200),
      JSON.stringify(fileRequests.map((r) => [r.path, r.status])),
    );
    assert.match(synced.stderr, / \+ gamma @ http:\/\/127\.0\.0\.1:\d+\/files\/gamma/);

    const direct = await puffin([
      "pip",
      "install",
      `alpha @ ${withCredentials(server.fileUrl(wheels.alpha.filename))}`,
      "--reinstall",
      "-i",
      index,
      "--python",
      py,
    ]);
    assert.equal(direct.status, 0, direct.stderr);
    assert.match(direct.stderr, /alpha @ http:\/\/alice:\*\*\*\*@127\.0\.0\.1/);

    for (const inspect of [["freeze"], ["list"], ["show", "-f", "alpha", "gamma"], ["tree"]]) {
      const run = await puffin(["pip", ...inspect, "--python", py]);
      assert.equal(run.status, 0, run.stderr);
    }

    // Failures quote URLs in their messages.
    const missing = await puffin([
      "pip",
      "install",
      `delta @ ${withCredentials(`${server.url}/files/delta-1.0-py3-none-any.whl`)}`,
      "-i",
      index,
      "--python",
      py,
    ]);
    assert.equal(missing.status, 1, missing.stderr);
    assert.match(missing.stderr, /404/);
    const badHash = await puffin([
      "pip",
      "install",
      `alpha @ ${withCredentials(server.fileUrl(wheels.alpha.filename))}#sha256=${"0".repeat(64)}`,
      "--reinstall",
      "--python",
      py,
    ]);
    assert.equal(badHash.status, 1, badHash.stderr);
    assert.match(badHash.stderr, /Hash mismatch/);
    const unknownOption = await puffin(["pip", "install", "--bogus", index]);
    assert.equal(unknownOption.status, 2);

    for (const { args, run } of runs) {
      for (const secret of SECRETS) {
        assert.ok(!run.stdout.includes(secret), `stdout of ${args.join(" ")}:\n${run.stdout}`);
        assert.ok(!run.stderr.includes(secret), `stderr of ${args.join(" ")}:\n${run.stderr}`);
      }
    }
    const written = [...filesUnder(cacheDir), ...filesUnder(join(root, "venv")), outFile];
    for (const path of written) {
      const content = readFileSync(path);
      for (const secret of SECRETS) {
        assert.ok(!content.includes(secret), `${path} holds the password`);
      }
    }
    reportFigures(t, import.meta.filename, {
      "commands run": runs.length,
      "files written": written.length,
      "credentials printed or written": 0,
    });
  });
});
