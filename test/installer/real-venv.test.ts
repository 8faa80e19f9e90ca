import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { promisify } from "node:util";
import { Cache } from "../../src/cache/index.ts";
import { unzipWheel } from "../../src/distribution/unzip-wheel.ts";
import { layoutFor, SitePackages, uninstall } from "../../src/installer/index.ts";
import type { Interpreter } from "../../src/interpreter/index.ts";
import { snapshotTree } from "../support/install-target.ts";
import { installWheels } from "../support/install-wheels.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel } from "../support/wheel-builder.ts";

const run = promisify(execFile);
const python = newestPyenvPython();
const skip = python === undefined ? "no pyenv Python 3.8+ on this machine" : false;
const env = { PATH: "/usr/bin:/bin", PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1" };

const root = testDirectory("installer-venv");
const cache = Cache.at(join(root, "cache"));

const built = buildWheel({
  name: "Hello.World",
  version: "1.2",
  files: {
    "hello_world/__init__.py": "GREETING = 'hello'\n",
    "hello_world/cli.py": "import sys\ndef main():\n    print('cli', sys.argv[1:])\n    return 0\n",
  },
  entryPoints: { console_scripts: { "hello-cli": "hello_world.cli:main" } },
  data: { scripts: { "hello-raw": "#!python\nimport hello_world\nprint(hello_world.GREETING)\n" } },
});

let venvs: RealVenvs;
const wheelPath = join(root, built.filename);
const venv = async (name: string) => venvs.probe(await venvs.create(name));

describe("installing into a real virtual environment", { skip }, () => {
  before(async () => {
    venvs = await RealVenvs.of(python!.executable, root);
    writeFileSync(wheelPath, built.bytes);
  });

  for (const name of ["venv", "venv with spaces"]) {
    test(`${name}: import, run both scripts, uninstall back to the fresh tree`, async () => {
      const interpreter = await venv(name);
      const layout = layoutFor(interpreter);
      const site = layout.scheme.purelib;
      const fresh = snapshotTree(interpreter.info.prefix);
      const cached = await unzipWheel({ wheel: wheelPath, cache });
      await installWheels([{ cached, requested: true }], { layout });

      const imported = await run(
        interpreter.executable,
        ["-c", "import hello_world; print(hello_world.GREETING)"],
        { env },
      );
      assert.equal(imported.stdout, "hello\n");
      const cli = await run(join(layout.scheme.scripts, "hello-cli"), ["a", "b"], { env });
      assert.equal(cli.stdout, "cli ['a', 'b']\n");
      const raw = await run(join(layout.scheme.scripts, "hello-raw"), [], { env });
      assert.equal(raw.stdout, "hello\n");

      const dists = (await SitePackages.read([site])).dists();
      assert.deepEqual(
        dists.map((d) => `${d.name}==${d.version}`),
        ["hello-world==1.2"],
      );
      // Python's own metadata reader agrees.
      const meta = await run(
        interpreter.executable,
        [
          "-c",
          "import importlib.metadata as m; d = m.distribution('hello.world'); print(d.version, len(d.files), d.read_text('INSTALLER').strip())",
        ],
        { env },
      );
      assert.match(meta.stdout, /^1\.2 \d+ puffin\n$/);

      await uninstall(dists, { layout });
      const after = snapshotTree(interpreter.info.prefix);
      assert.deepEqual([...after.keys()].sort(), [...fresh.keys()].sort());
    });
  }

  test("the same site-packages as pip's install of the wheel (generated files aside)", async (t) => {
    const check = await run(venvs.base.executable, ["-m", "pip", "--version"], { env }).catch(
      () => undefined,
    );
    const pipVersion = check === undefined ? undefined : /^pip (\d+)\.(\d+)/.exec(check.stdout);
    if (pipVersion === undefined || pipVersion === null || Number(pipVersion[1]) < 23) {
      t.skip("the base Python has no pip ≥ 23 (needed for --python)");
      return;
    }
    const [ours, theirs] = await Promise.all([venv("ours"), venv("pips")]);
    const cached = await unzipWheel({ wheel: wheelPath, cache });
    await installWheels([{ cached, requested: true }], { layout: layoutFor(ours) });
    await run(
      venvs.base.executable,
      [
        "-m",
        "pip",
        "--python",
        theirs.executable,
        "install",
        "--no-index",
        "--no-deps",
        "--no-compile",
        "-q",
        wheelPath,
      ],
      { env },
    );
    const relevant = (interpreter: Interpreter) => {
      const tree = snapshotTree(interpreter.info.prefix);
      const out = new Map<string, { content: string; executable: boolean }>();
      for (const [path, entry] of tree) {
        const ofInstall = path.startsWith("lib/") || path.startsWith("bin/hello-");
        // pip records a local wheel's file URL in direct_url.json; this install has none.
        if (!ofInstall || path.includes("__pycache__") || path.endsWith("/direct_url.json")) {
          continue;
        }
        const generated =
          path.endsWith(".dist-info/RECORD") ||
          path.endsWith(".dist-info/INSTALLER") ||
          path === "bin/hello-cli";
        out.set(path, generated ? { content: "", executable: entry.executable } : entry);
      }
      return out;
    };
    const pipTree = relevant(theirs);
    const ourTree = relevant(ours);
    // Rewritten shebangs name each environment's own python.
    const raw = (tree: typeof pipTree, interpreter: Interpreter) =>
      tree.get("bin/hello-raw")!.content.replace(interpreter.executable, "<python>");
    assert.equal(raw(ourTree, ours), raw(pipTree, theirs));
    ourTree.delete("bin/hello-raw");
    pipTree.delete("bin/hello-raw");
    assert.deepEqual(ourTree, pipTree);
  });
});
