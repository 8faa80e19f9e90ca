// A damaged cache is a cache miss, never a failed or wrong install. A warm cache of an HTTP index
// (pages, METADATA entries, archive pointers, the interpreter probe, unzipped wheels) is damaged
// one way at a time — every JSON entry truncated, emptied, replaced by garbage or by a directory;
// the unzipped wheels removed, or a module, a RECORD or a whole `.dist-info` deleted from each —
// and `pip install --reinstall` into a fresh environment must still exit 0 with every file of
// every distribution matching its RECORD.
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { environmentProblems } from "../support/environment-state.ts";
import { GARBAGE, IndexServer } from "../support/index-server.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { reportFigures } from "../support/reliability.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel } from "../support/wheel-builder.ts";

const python = newestPyenvPython();
const skip = python === undefined ? "no pyenv Python 3.8+ on this machine" : false;
const root = testDirectory("reliability-cache-damage");
const pristine = join(root, "pristine-cache");
const env = { PATH: "/usr/bin:/bin" };
const PINS = ["alpha==1.0", "beta==2.0"];

const wheels = [
  buildWheel({
    name: "alpha",
    version: "1.0",
    requiresDist: ["beta"],
    files: { "alpha/__init__.py": "A = 1\n", "alpha/core.py": "def f(): return 1\n" },
    entryPoints: { console_scripts: { "alpha-cli": "alpha.core:f" } },
  }),
  buildWheel({
    name: "beta",
    version: "2.0",
    files: { "beta/__init__.py": "B = 2\n", "beta/util.py": "X = 'x' * 100\n" },
  }),
];

/** Every file under `dir` (recursively) whose name passes `keep`. */
function filesUnder(dir: string, keep: (name: string) => boolean): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && keep(entry.name)) found.push(join(entry.parentPath, entry.name));
  }
  return found;
}

const jsonEntries = (cache: string) => filesUnder(cache, (name) => name.endsWith(".json"));
const archives = (cache: string) =>
  readdirSync(join(cache, "archive-v0")).map((id) => join(cache, "archive-v0", id));
/** Each archive's `.dist-info` directory. */
const distInfos = (cache: string) =>
  archives(cache).flatMap((archive) =>
    readdirSync(archive)
      .filter((name) => name.endsWith(".dist-info"))
      .map((name) => join(archive, name)),
  );

/** The ways a cache is damaged: each takes a copy of the warm cache and damages it. */
const DAMAGE: readonly { what: string; apply: (cache: string) => number }[] = [
  {
    what: "every JSON entry truncated to half",
    apply: (cache) =>
      count(jsonEntries(cache), (path) => {
        const size = statSync(path).size;
        writeFileSync(path, Buffer.alloc(Math.floor(size / 2), "{"));
      }),
  },
  {
    what: "every JSON entry emptied",
    apply: (cache) => count(jsonEntries(cache), (path) => writeFileSync(path, "")),
  },
  {
    what: "every JSON entry replaced by binary garbage",
    apply: (cache) => count(jsonEntries(cache), (path) => writeFileSync(path, GARBAGE)),
  },
  {
    what: "every JSON entry valid JSON of the wrong shape",
    apply: (cache) =>
      count(jsonEntries(cache), (path) =>
        writeFileSync(path, JSON.stringify({ version: 1, writtenAt: 0, value: { id: "../x" } })),
      ),
  },
  {
    what: "every JSON entry replaced by a directory",
    apply: (cache) =>
      count(jsonEntries(cache), (path) => {
        rmSync(path);
        mkdirSync(join(path, "inside"), { recursive: true });
      }),
  },
  {
    what: "every unzipped wheel removed",
    apply: (cache) => count(archives(cache), (path) => rmSync(path, { recursive: true })),
  },
  {
    what: "a module deleted from every unzipped wheel",
    apply: (cache) =>
      count(archives(cache), (archive) => {
        const module = filesUnder(archive, (name) => name.endsWith(".py"))[0]!;
        rmSync(module);
      }),
  },
  {
    what: "RECORD deleted from every unzipped wheel",
    apply: (cache) => count(distInfos(cache), (distInfo) => rmSync(join(distInfo, "RECORD"))),
  },
  {
    what: "the .dist-info deleted from every unzipped wheel",
    apply: (cache) => count(distInfos(cache), (path) => rmSync(path, { recursive: true })),
  },
];

function count(paths: readonly string[], damage: (path: string) => void): number {
  for (const path of paths) damage(path);
  return paths.length;
}

let server: IndexServer;
let venvs: RealVenvs;

async function install(cache: string, name: string) {
  const py = await venvs.create(name);
  const args = ["--cache-dir", cache, "pip", "install", ...PINS, "--reinstall"];
  const result = await runPuffin([...args, "--index-url", server.indexUrl, "--python", py], {
    env,
    cwd: root,
  });
  const { prefix, scheme } = (await venvs.probe(py)).info;
  return { ...result, problems: environmentProblems(prefix, scheme.purelib, PINS) };
}

describe("a damaged cache is a miss, never a failed or wrong install", { skip }, () => {
  before(async () => {
    venvs = await RealVenvs.of(python!.executable, root);
    server = await IndexServer.start({ files: wheels });
    const warm = await install(pristine, "warm");
    assert.equal(warm.status, 0, warm.stderr);
    assert.deepEqual(warm.problems, []);
  });
  after(() => server.close());

  for (const [index, { what, apply }] of DAMAGE.entries()) {
    test(what, async (t) => {
      const cache = join(root, `cache-${index}`);
      cpSync(pristine, cache, { recursive: true });
      const damaged = apply(cache);
      assert.ok(damaged > 0, "the case damaged something");
      const result = await install(cache, `venv-${index}`);
      assert.equal(result.status, 0, result.stderr);
      assert.doesNotMatch(result.stderr, /^\s+at /m);
      assert.deepEqual(result.problems, []);
      // The next run finds the cache whole again: nothing to repair, nothing downloaded.
      const requests = server.requests.length;
      const again = await install(cache, `venv-${index}-again`);
      assert.equal(again.status, 0, again.stderr);
      assert.doesNotMatch(again.stderr, /warning/);
      assert.deepEqual(again.problems, []);
      assert.ok(server.requests.length - requests <= PINS.length, "pages revalidated at most");
      reportFigures(t, import.meta.filename, { "entries damaged": damaged, "installs correct": 1 });
    });
  }
});
