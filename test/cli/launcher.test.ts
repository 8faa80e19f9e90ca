import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import { DEFERRED_CA_CERTS, restoreDeferredCaCerts } from "../../src/cli/deferred-ca-certs.ts";
import { BIN, NOT_BUILT, PACKAGE_VERSION } from "../support/built-package.ts";
import { IndexServer } from "../support/index-server.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { hasOpenssl, makeTestCa } from "../support/test-ca.ts";
import { buildWheel } from "../support/wheel-builder.ts";

const dir = testDirectory("launcher");
const python = newestPyenvPython();
const run = promisify(execFile);

/** The environment of a run: the test runner's, without what the launcher would have moved. */
function envWith(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env[DEFERRED_CA_CERTS];
  return env;
}

describe("restoreDeferredCaCerts", () => {
  test("puts the launcher's NODE_EXTRA_CA_CERTS back and drops its own variable", () => {
    const env: NodeJS.ProcessEnv = { [DEFERRED_CA_CERTS]: "/etc/ca.pem", PATH: "/bin" };
    restoreDeferredCaCerts(env);
    assert.deepEqual(env, { NODE_EXTRA_CA_CERTS: "/etc/ca.pem", PATH: "/bin" });
  });

  test("leaves an environment without it alone, and never overrides a value set since", () => {
    const plain: NodeJS.ProcessEnv = { PATH: "/bin" };
    restoreDeferredCaCerts(plain);
    assert.deepEqual(plain, { PATH: "/bin" });
    const both: NodeJS.ProcessEnv = {
      [DEFERRED_CA_CERTS]: "/a.pem",
      NODE_EXTRA_CA_CERTS: "/b.pem",
    };
    restoreDeferredCaCerts(both);
    assert.deepEqual(both, { NODE_EXTRA_CA_CERTS: "/b.pem" });
  });
});

// The bin is a file that /bin/sh and Node both read (scripts/build.mjs): sh moves
// NODE_EXTRA_CA_CERTS aside and starts Node on the same file.
describe("the bin's launcher", {
  skip: NOT_BUILT,
}, () => {
  test("runs the CLI when executed, also through a symlink elsewhere (npm link, .bin/)", () => {
    const direct = spawnSync(BIN, ["--version"], { encoding: "utf8", env: envWith({}) });
    assert.equal(direct.status, 0, direct.stderr);
    assert.equal(direct.stdout, `puffin ${PACKAGE_VERSION}\n`);
    mkdirSync(join(dir, "bin"), { recursive: true });
    const link = join(dir, "bin", "puffin");
    symlinkSync(BIN, link);
    const linked = spawnSync(link, ["--version"], { encoding: "utf8", env: envWith({}) });
    assert.equal(linked.status, 0, linked.stderr);
    assert.equal(linked.stdout, `puffin ${PACKAGE_VERSION}\n`);
    // The bundle's other files are found beside the real file, not beside the link.
    const help = spawnSync(link, ["pip", "compile", "--help"], {
      encoding: "utf8",
      env: envWith({}),
    });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: puffin pip compile/);
  });

  test("keeps Node from loading NODE_EXTRA_CA_CERTS at startup", () => {
    // Node reads the file before any JavaScript runs and warns when it cannot: the warning shows
    // whether Node loaded it.
    const env = envWith({ NODE_EXTRA_CA_CERTS: join(dir, "missing-ca.pem") });
    const byNode = spawnSync(process.execPath, [BIN, "--version"], { encoding: "utf8", env });
    assert.match(byNode.stderr, /Ignoring extra certs from .*missing-ca\.pem/);
    const launched = spawnSync(BIN, ["--version"], { encoding: "utf8", env });
    assert.equal(launched.status, 0);
    assert.equal(launched.stderr, "");
  });

  test("HTTPS trusts the CA NODE_EXTRA_CA_CERTS names, and child processes see the variable", {
    skip: !hasOpenssl()
      ? "openssl is not installed (needed to make a test CA)"
      : python === undefined
        ? "no pyenv Python 3.8+ on this machine"
        : false,
  }, async () => {
    const work = join(dir, "https");
    mkdirSync(work, { recursive: true });
    const ca = makeTestCa(work);
    // A wrapper is probed on every run (it is not the interpreter itself), so it always runs.
    const wrapper = join(work, "python");
    const seen = join(work, "seen.txt");
    writeFileSync(
      wrapper,
      `#!/bin/sh\nprintf %s "$NODE_EXTRA_CA_CERTS" > '${seen}'\nexec '${python!.executable}' "$@"\n`,
    );
    chmodSync(wrapper, 0o755);
    writeFileSync(join(work, "requirements.in"), "demo\n");
    const server = await IndexServer.start({
      files: [buildWheel({ name: "demo", version: "1.0" })],
      tls: { key: ca.key, cert: ca.cert },
    });
    try {
      const args = ["-n", "pip", "compile", "requirements.in", "--no-header"];
      args.push("-p", wrapper, "-i", server.indexUrl);
      const env = envWith({ NODE_EXTRA_CA_CERTS: ca.caPath });
      const { stdout } = await run(BIN, args, { cwd: work, env });
      assert.match(stdout, /^demo==1\.0$/m);
      assert.equal(readFileSync(seen, "utf8"), ca.caPath);
      assert.ok(server.requests.length > 0, "the index was reached over HTTPS");
    } finally {
      await server.close();
    }
  });
});
