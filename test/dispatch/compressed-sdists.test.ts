// Sdists in the compressions Node.js cannot read itself (`.tar.xz`, `.tar.bz2`) met the way users
// meet them: the only file of a version on an index. A loopback index serves them (one with
// PKG-INFO, one without, whose metadata then comes from a build), `puffin pip compile` resolves
// them and `puffin pip install` builds and installs them into a real venv of pyenv's CPython
// 3.12, with setuptools and wheel from test/corpora/build-backends.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { gunzipSync } from "node:zlib";
import { IndexServer } from "../support/index-server.ts";
import { pyenvPythons } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { buildSdist } from "../support/sdist-builder.ts";
import { testDirectory } from "../support/temp-dir.ts";

const python = pyenvPythons().find((p) => p.minor[0] === 3 && p.minor[1] === 12);
const missing = ["xz", "bzip2"].filter((tool) => spawnSync(tool, ["--version"]).status !== 0);
const skip =
  python === undefined
    ? "no pyenv Python 3.12 on this machine"
    : missing.length > 0
      ? `no ${missing.join(", ")} command on this machine to make the archives`
      : false;
const backends = join(import.meta.dirname, "..", "corpora", "build-backends");
const root = testDirectory("compressed-sdists");
const env = { PATH: process.env["PATH"] };

/** An sdist of `name` 1.0 recompressed from `.tar.gz` with `tool`, served as `name-1.0.EXT`. */
function recompressed(name: string, extension: string, tool: string, omitPkgInfo: boolean) {
  const sdist = buildSdist({
    name,
    version: "1.0",
    files: { [`${name}/__init__.py`]: `WHO = ${JSON.stringify(name)}\n` },
    omitPkgInfo,
  });
  const tar = gunzipSync(sdist.bytes);
  const bytes = execFileSync(tool, ["-c"], { input: tar, maxBuffer: 64 << 20 });
  return { filename: `${name}-1.0.${extension}`, bytes };
}

describe("sdists compressed with xz and bzip2, from an index", { skip }, () => {
  let server: IndexServer;
  let venvs: RealVenvs;
  before(async () => {
    server = await IndexServer.start({
      files: [
        recompressed("xzpkg", "tar.xz", "xz", false),
        recompressed("bzpkg", "tar.bz2", "bzip2", true),
      ],
    });
    venvs = await RealVenvs.of(python!.executable, root);
  });
  after(() => server.close());

  const puffin = (...args: string[]) =>
    runPuffin(
      [
        "--cache-dir",
        join(root, "cache"),
        ...args,
        "--index-url",
        server.indexUrl,
        "--find-links",
        backends,
      ],
      { env, cwd: root },
    );

  test("pip compile resolves them (PKG-INFO read from the .tar.xz; the .tar.bz2 built)", async () => {
    const input = join(root, "requirements.in");
    writeFileSync(input, "xzpkg\nbzpkg\n");
    const run = await puffin(
      "pip",
      "compile",
      input,
      "--no-header",
      "--no-annotate",
      "--python",
      python!.executable,
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, "bzpkg==1.0\nxzpkg==1.0\n");
  });

  test("pip install builds and installs both", async () => {
    const target = await venvs.create("venv");
    const run = await puffin("pip", "install", "xzpkg", "bzpkg", "--python", target);
    assert.equal(run.status, 0, run.stderr);
    const imported = execFileSync(
      target,
      ["-c", "import xzpkg, bzpkg; print(xzpkg.WHO, bzpkg.WHO)"],
      { encoding: "utf8" },
    );
    assert.equal(imported, "xzpkg bzpkg\n");
  });
});
