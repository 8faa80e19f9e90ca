// What a requirements line says about a source distribution, through the CLI into real venvs of
// a pyenv Python 3.12: `--hash` checks the sdist archive (from a loopback index, or a local
// file), never the wheel built from it, also when that wheel comes from the built-wheel cache;
// a directory cannot be hash-checked; `pip compile --generate-hashes` lists the sdists' hashes;
// and a line's `--config-settings` reach that requirement's backend, merged over `-C`, with the
// built-wheel cache keyed by them. The sdists build with an in-tree backend (`backend-path`, no
// build requirements) that writes the `config_settings` it receives into the wheel.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { IndexServer } from "../support/index-server.ts";
import { pyenvPythons } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { buildSdist } from "../support/sdist-builder.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel } from "../support/wheel-builder.ts";

const python = pyenvPythons().find((p) => p.minor[0] === 3 && p.minor[1] === 12);
const skip = python === undefined ? "no pyenv Python 3.12 on this machine" : false;
const root = testDirectory("sdist-requirement-options");
const env = { PATH: process.env["PATH"] };

/** A PEP 517 backend whose wheel's `<pkg>/__init__.py` records the `config_settings` it got. */
const BACKEND = `
import base64, hashlib, json, os, tomllib, zipfile

def _project():
    with open("pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    return project["name"], project["version"]

def get_requires_for_build_wheel(config_settings=None):
    return []

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name, version = _project()
    dist = name.replace("-", "_")
    files = {
        f"{dist}/__init__.py": "CONFIG_SETTINGS = " + json.dumps(config_settings or {}, sort_keys=True) + "\\n",
        f"{dist}-{version}.dist-info/METADATA": f"Metadata-Version: 2.1\\nName: {name}\\nVersion: {version}\\n",
        f"{dist}-{version}.dist-info/WHEEL": "Wheel-Version: 1.0\\nGenerator: cfg-backend\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
    }
    record = f"{dist}-{version}.dist-info/RECORD"
    filename = f"{dist}-{version}-py3-none-any.whl"
    rows = []
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w") as archive:
        for path, text in files.items():
            data = text.encode()
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            archive.writestr(path, data)
            rows.append(f"{path},sha256={digest},{len(data)}")
        rows.append(f"{record},,")
        archive.writestr(record, "\\n".join(rows) + "\\n")
    return filename
`;

function sdist(name: string) {
  return buildSdist({
    name,
    version: "1.0",
    pyproject: [
      "[build-system]",
      "requires = []",
      'build-backend = "cfg_backend"',
      'backend-path = ["backend"]',
      "[project]",
      `name = "${name}"`,
      'version = "1.0"',
      "",
    ].join("\n"),
    files: { "backend/cfg_backend.py": BACKEND, [`${name}/__init__.py`]: "" },
  });
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Every `.whl` under `directory`, recursively (none when it does not exist). */
function wheelsUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { recursive: true, encoding: "utf8" })
    .filter((path) => path.endsWith(".whl"))
    .map((path) => join(directory, path));
}

describe("requirement options of source distributions", { skip }, () => {
  let server: IndexServer;
  let venvs: RealVenvs;
  let venvCount = 0;
  const hashpkg = sdist("hashpkg");
  const cfgpkg = sdist("cfgpkg");
  const twoWheel = buildWheel({ name: "twofiles", version: "1.0" });
  const twoSdist = sdist("twofiles");
  const cacheDir = join(root, "cache");
  const puffin = (...args: string[]) =>
    runPuffin(["--cache-dir", cacheDir, ...args], { env, cwd: root });
  const freshVenv = () => venvs.create(`venv-${++venvCount}`);
  const requirements = (name: string, lines: readonly string[]) => {
    writeFileSync(join(root, name), `${lines.join("\n")}\n`);
    return name;
  };
  const settingsIn = (venvPython: string, module: string) =>
    JSON.parse(
      execFileSync(
        venvPython,
        ["-c", `import json, ${module}; print(json.dumps(${module}.CONFIG_SETTINGS))`],
        { encoding: "utf8" },
      ),
    );

  before(async () => {
    server = await IndexServer.start({ files: [hashpkg, cfgpkg, twoWheel, twoSdist] });
    venvs = await RealVenvs.of(python!.executable, root);
    mkdirSync(join(root, "dist"), { recursive: true });
    writeFileSync(join(root, "dist", hashpkg.filename), hashpkg.bytes);
    writeFileSync(join(root, "dist", cfgpkg.filename), cfgpkg.bytes);
    mkdirSync(join(root, "proj", "backend"), { recursive: true });
  });
  after(() => server.close());

  describe("--hash on an sdist is the archive's", () => {
    const wrong = "0".repeat(64);

    test("pip sync: the sdist's hash installs; a wrong one fails before anything is built", async () => {
      const bad = await puffin(
        "pip",
        "sync",
        requirements("wrong.txt", [`hashpkg==1.0 --hash=sha256:${wrong}`]),
        "--python",
        await freshVenv(),
        "-i",
        server.indexUrl,
      );
      assert.equal(bad.status, 1, bad.stderr);
      assert.match(bad.stderr, /Hash mismatch for `hashpkg==1\.0` \(hashpkg-1\.0\.tar\.gz\)/);
      assert.match(
        bad.stderr,
        new RegExp(`expected sha256:${wrong}, computed sha256:${hashpkg.sha256}`),
      );
      assert.deepEqual(wheelsUnder(join(cacheDir, "built-wheels-v0")), [], "nothing was built");

      const good = await puffin(
        "pip",
        "sync",
        requirements("right.txt", [`hashpkg==1.0 --hash=sha256:${hashpkg.sha256}`]),
        "--python",
        await freshVenv(),
        "-i",
        server.indexUrl,
      );
      assert.equal(good.status, 0, good.stderr);
      assert.match(good.stderr, /\+ hashpkg==1\.0/);
    });

    test("with the wheel cached: a wrong hash or the built wheel's hash still fails", async () => {
      const [built] = wheelsUnder(join(cacheDir, "built-wheels-v0"));
      assert.ok(built !== undefined, "the first sync cached a built wheel");
      const wheelHash = sha256(readFileSync(built));
      for (const [file, hash] of [
        ["wheel-hash.txt", wheelHash],
        ["wrong-again.txt", wrong],
      ] as const) {
        const run = await puffin(
          "pip",
          "sync",
          requirements(file, [`hashpkg==1.0 --hash=sha256:${hash}`]),
          "--python",
          await freshVenv(),
          "-i",
          server.indexUrl,
        );
        assert.equal(run.status, 1, `${file}: ${run.stderr}`);
        assert.match(
          run.stderr,
          new RegExp(`expected sha256:${hash}, computed sha256:${hashpkg.sha256}`),
        );
      }
      const again = await puffin(
        "pip",
        "sync",
        "right.txt",
        "--python",
        await freshVenv(),
        "-i",
        server.indexUrl,
      );
      assert.equal(again.status, 0, again.stderr);
      assert.deepEqual(wheelsUnder(join(cacheDir, "built-wheels-v0")), [built], "not rebuilt");
    });

    test("pip install -r agrees", async () => {
      const good = await puffin(
        "pip",
        "install",
        "-r",
        "right.txt",
        "--python",
        await freshVenv(),
        "-i",
        server.indexUrl,
      );
      assert.equal(good.status, 0, good.stderr);
      const bad = await puffin(
        "pip",
        "install",
        "-r",
        "wheel-hash.txt",
        "--python",
        await freshVenv(),
        "-i",
        server.indexUrl,
      );
      assert.equal(bad.status, 1, bad.stderr);
      assert.match(bad.stderr, /Hash mismatch for `hashpkg==1\.0`/);
    });

    test("a local sdist file is hashed; a directory cannot be hash-checked", async () => {
      const archive = `./dist/${hashpkg.filename}`;
      for (const command of ["sync", "install"]) {
        const flag = command === "sync" ? [] : ["-r"];
        const good = await puffin(
          "pip",
          command,
          ...flag,
          requirements("local.txt", [`${archive} --hash=sha256:${hashpkg.sha256}`]),
          "--python",
          await freshVenv(),
          "--offline",
        );
        assert.equal(good.status, 0, `${command}: ${good.stderr}`);
        const bad = await puffin(
          "pip",
          command,
          ...flag,
          requirements("local-bad.txt", [`${archive} --hash=sha256:${wrong}`]),
          "--python",
          await freshVenv(),
          "--offline",
        );
        assert.equal(bad.status, 1, `${command}: ${bad.stderr}`);
        assert.match(bad.stderr, /Hash mismatch for `hashpkg==1\.0`/);
      }
      writeFileSync(join(root, "proj", "backend", "cfg_backend.py"), BACKEND);
      writeFileSync(
        join(root, "proj", "pyproject.toml"),
        '[build-system]\nrequires = []\nbuild-backend = "cfg_backend"\nbackend-path = ["backend"]\n[project]\nname = "proj"\nversion = "1.0"\n',
      );
      for (const command of ["sync", "install"]) {
        const flag = command === "sync" ? [] : ["-r"];
        const run = await puffin(
          "pip",
          command,
          ...flag,
          requirements("dir.txt", [`./proj --hash=sha256:${wrong}`]),
          "--python",
          await freshVenv(),
          "--offline",
        );
        assert.equal(run.status, 1, `${command}: ${run.stderr}`);
        assert.match(run.stderr, /is a local directory, whose hash cannot be checked/);
      }
    });

    test("pip compile --generate-hashes lists the sdist's hash, and every file's of a version", async () => {
      const run = await puffin(
        "pip",
        "compile",
        requirements("hashes.in", ["hashpkg", "twofiles"]),
        "--generate-hashes",
        "--no-header",
        "--no-annotate",
        "--python",
        await freshVenv(),
        "-i",
        server.indexUrl,
      );
      assert.equal(run.status, 0, run.stderr);
      const sorted = [twoWheel.sha256, twoSdist.sha256].sort();
      assert.equal(
        run.stdout,
        [
          "hashpkg==1.0 \\",
          `    --hash=sha256:${hashpkg.sha256}`,
          "twofiles==1.0 \\",
          `    --hash=sha256:${sorted[0]} \\`,
          `    --hash=sha256:${sorted[1]}`,
          "",
        ].join("\n"),
      );
    });
  });

  describe("--config-settings on a requirements line", () => {
    test("pip sync: the line's settings over -C reach the backend; other settings rebuild", async () => {
      const venv = await freshVenv();
      const run = await puffin(
        "pip",
        "sync",
        requirements("cfg.txt", [
          "cfgpkg==1.0 --config-settings mode=line --config-settings=extra=1",
        ]),
        "-C",
        "mode=global",
        "-C",
        "other=g",
        "--python",
        venv,
        "-i",
        server.indexUrl,
      );
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(settingsIn(venv, "cfgpkg"), { extra: "1", mode: "line", other: "g" });

      // The wheel built with the line's settings is cached; other settings must not get it.
      const plain = await freshVenv();
      const second = await puffin(
        "pip",
        "sync",
        requirements("cfg-plain.txt", ["cfgpkg==1.0"]),
        "-C",
        "mode=global",
        "--python",
        plain,
        "-i",
        server.indexUrl,
      );
      assert.equal(second.status, 0, second.stderr);
      assert.deepEqual(settingsIn(plain, "cfgpkg"), { mode: "global" });
    });

    test("pip install -r, and a local sdist's line", async () => {
      const venv = await freshVenv();
      const run = await puffin(
        "pip",
        "install",
        "-r",
        requirements("cfg-install.txt", ["cfgpkg --config-settings mode=install"]),
        "--python",
        venv,
        "-i",
        server.indexUrl,
      );
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(settingsIn(venv, "cfgpkg"), { mode: "install" });

      for (const command of ["sync", "install"]) {
        const local = await freshVenv();
        const flag = command === "sync" ? [] : ["-r"];
        const fromFile = await puffin(
          "pip",
          command,
          ...flag,
          requirements("cfg-local.txt", [`./dist/${cfgpkg.filename} --config-settings mode=url`]),
          "--python",
          local,
          "--offline",
        );
        assert.equal(fromFile.status, 0, `${command}: ${fromFile.stderr}`);
        assert.deepEqual(settingsIn(local, "cfgpkg"), { mode: "url" });
      }
    });
  });
});
