// Every hash that is given is checked: a direct URL's `#sha256=` (wheels and sdists, `file://`
// and HTTP), digests an index lists in any algorithm it chooses (`#md5=` only, PEP 691 `sha512`
// only), `--hash`; and in `--require-hashes` mode a URL's fragment counts as the requirement's
// hash, as in pip. A wrong digest fails before anything is installed, unzipped or built.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { IndexServer } from "../support/index-server.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { reportFigures } from "../support/reliability.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { writeSdist } from "../support/sdist-builder.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { writeWheel } from "../support/wheel-builder.ts";

const python = newestPyenvPython();
const skip = python === undefined ? "no pyenv Python 3.8+ on this machine" : false;
const root = testDirectory("reliability-hashes");
const cacheDir = join(root, "cache");
const files = join(root, "files");
mkdirSync(files);
const env = { PATH: "/usr/bin:/bin" };
const ZERO = "0".repeat(64);

const wheel = writeWheel(files, { name: "alpha", version: "1.0" });
const sdist = writeSdist(files, { name: "beta", version: "1.0" });
const digest = (algorithm: string, bytes: Uint8Array) =>
  createHash(algorithm).update(bytes).digest("hex");

let server: IndexServer;
let venvs: RealVenvs;

/** Runs that met a wrong hash and refused it: a `Hash mismatch` error, exit 1. */
let mismatches = 0;

async function puffin(args: readonly string[]) {
  const run = await runPuffin(["--cache-dir", cacheDir, ...args], { env, cwd: root });
  assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace");
  if (run.status === 1 && /Hash mismatch/.test(run.stderr)) mismatches++;
  return run;
}

/** The venv holds no distribution but pip's own (nothing was installed). */
async function assertNothingInstalled(py: string) {
  const freeze = await puffin(["pip", "freeze", "--python", py]);
  assert.equal(freeze.stdout, "");
}

describe("every hash that is given is checked", { skip }, () => {
  before(async () => {
    venvs = await RealVenvs.of(python!.executable, root);
    server = await IndexServer.start({ files: [wheel, sdist] });
  });
  after(() => server.close());

  test("a direct URL's #sha256 fragment: wheels and sdists, over file:// and HTTP", async () => {
    const py = await venvs.create("fragments");
    const urls = [
      `alpha @ ${pathToFileURL(wheel.path).href}#sha256=${ZERO}`,
      `alpha @ ${server.fileUrl(wheel.filename)}#sha256=${ZERO}`,
      `beta @ ${pathToFileURL(sdist.path).href}#sha256=${ZERO}`,
      `beta @ ${server.fileUrl(sdist.filename)}#sha256=${ZERO}`,
      `alpha @ ${pathToFileURL(wheel.path).href}#md5=${"0".repeat(32)}`,
    ];
    for (const requirement of urls) {
      const run = await puffin(["pip", "install", requirement, "--python", py]);
      assert.equal(run.status, 1, `${requirement}\n${run.stderr}`);
      assert.match(run.stderr, /^error: Hash mismatch for .*(alpha-1\.0|beta-1\.0)/m, requirement);
      assert.match(run.stderr, /the URL's fragment/, requirement);
    }
    await assertNothingInstalled(py);
    const right = await puffin([
      "pip",
      "install",
      `alpha @ ${server.fileUrl(wheel.filename)}#sha256=${wheel.sha256}`,
      "--python",
      py,
    ]);
    assert.equal(right.status, 0, right.stderr);
  });

  test("in --require-hashes mode a URL's fragment is the requirement's hash", async () => {
    const py = await venvs.create("require");
    const requirements = join(root, "fragment.txt");
    writeFileSync(
      requirements,
      `alpha @ ${pathToFileURL(wheel.path).href}#sha256=${wheel.sha256}\n`,
    );
    const run = await puffin([
      "pip",
      "sync",
      requirements,
      "--require-hashes",
      "--no-index",
      "--python",
      py,
    ]);
    assert.equal(run.status, 0, run.stderr);
    const wrong = join(root, "wrong-fragment.txt");
    writeFileSync(wrong, `alpha @ ${pathToFileURL(wheel.path).href}#sha256=${ZERO}\n`);
    const refused = await puffin([
      "pip",
      "sync",
      wrong,
      "--require-hashes",
      "--reinstall",
      "--no-index",
      "--python",
      py,
    ]);
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(refused.stderr, /Hash mismatch/);
  });

  test("an index listing only md5, or only sha512 (PEP 691), is still checked", async () => {
    const index = join(root, "index");
    const page = (project: string, href: string) => {
      mkdirSync(join(index, project), { recursive: true });
      writeFileSync(join(index, project, "index.html"), `<a href="${href}">x</a>\n`);
    };
    const badMd5 = digest("md5", new TextEncoder().encode("something else"));
    page("alpha", `${pathToFileURL(wheel.path).href}#md5=${badMd5}`);
    page("beta", `${pathToFileURL(sdist.path).href}#md5=${badMd5}`);
    const py = await venvs.create("md5");
    for (const name of ["alpha", "beta"]) {
      const run = await puffin([
        "pip",
        "install",
        name,
        "-i",
        pathToFileURL(index).href,
        "--python",
        py,
      ]);
      assert.equal(run.status, 1, run.stderr);
      assert.match(run.stderr, new RegExp(`Hash mismatch .*expected md5:${badMd5}`), name);
    }
    await assertNothingInstalled(py);

    const good = digest("md5", wheel.bytes);
    page("alpha", `${pathToFileURL(wheel.path).href}#md5=${good}`);
    const fine = await puffin([
      "pip",
      "install",
      "alpha",
      "-i",
      pathToFileURL(index).href,
      "--python",
      py,
    ]);
    assert.equal(fine.status, 0, fine.stderr);

    const json = join(root, "json-index");
    mkdirSync(join(json, "alpha"), { recursive: true });
    const sha512 = digest("sha512", new TextEncoder().encode("not the wheel"));
    writeFileSync(
      join(json, "alpha", "index.html"),
      // A static tree cannot send the JSON media type, so the HTML form carries the fragment.
      `<a href="${pathToFileURL(wheel.path).href}#sha512=${sha512}">x</a>\n`,
    );
    const other = await venvs.create("sha512");
    const run = await puffin([
      "pip",
      "install",
      "alpha",
      "-i",
      pathToFileURL(json).href,
      "--python",
      other,
    ]);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /expected sha512:/);
  });

  test("a cached archive does not bypass the check", async () => {
    // alpha is in the cache (installed above); a wrong fragment still fails.
    const py = await venvs.create("cached");
    const run = await puffin([
      "pip",
      "install",
      `alpha @ ${pathToFileURL(wheel.path).href}#sha256=${ZERO}`,
      "--python",
      py,
    ]);
    assert.equal(run.status, 1, run.stderr);
    assert.ok(readdirSync(join(cacheDir, "archive-v0")).length > 0, "the archive is cached");
  });

  test("every wrong hash was refused", (t) => {
    assert.ok(mismatches > 0);
    reportFigures(t, import.meta.filename, {
      "wrong hashes refused": mismatches,
      "wrong hashes accepted": 0,
    });
  });
});
