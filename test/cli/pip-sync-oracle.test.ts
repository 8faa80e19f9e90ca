// The acceptance oracle of `puffin pip sync`: the `large` benchmark set installed by Puffin and
// by pip (same pins, `--no-deps --no-compile`) into two fresh venvs must give the same
// site-packages, every top-level module must import as well as under pip, and uninstalling
// everything must give back a fresh venv's site-packages. Needs the offline index and pyenv 3.11
// (with its pip); skips otherwise. Takes about a minute, most of it pip.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { Cache } from "../../src/cache/index.ts";
import { findBaseInterpreter, queryInterpreter } from "../../src/interpreter/index.ts";
import { createVenv } from "../../src/venv/index.ts";
import { snapshotTree } from "../support/install-target.ts";
import { presentOfflineIndexes } from "../support/offline-index.ts";
import { pyenvPythons } from "../support/pyenv-pythons.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";

const run = promisify(execFile);
const python = pyenvPythons().find((p) => p.minor[0] === 3 && p.minor[1] === 11);
const pins = [
  new URL("../../bench/sets/compiled/large.txt", import.meta.url).pathname,
  "/work/shared/bench/compiled/large.txt",
].find((path) => existsSync(path));
const indexes = presentOfflineIndexes();
const FIND_LINKS = "/opt/wheels";
const skip =
  python === undefined
    ? "no pyenv Python 3.11 on this machine"
    : indexes.length < 2 || !existsSync(FIND_LINKS)
      ? "the offline index (/opt/pypi, /opt/pypi-more, /opt/wheels) is absent"
      : pins === undefined
        ? "the large benchmark set is absent"
        : false;
const root = testDirectory("pip-sync-oracle");
const env = { PATH: "/usr/bin:/bin", PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1" };

/** Files of a site-packages tree that differ by design between installers. */
function comparable(path: string): boolean {
  const parts = path.split("/");
  if (parts.includes("__pycache__")) return false;
  const last = parts.at(-1)!;
  return !(
    parts[0]!.endsWith(".dist-info") && ["INSTALLER", "RECORD", "direct_url.json"].includes(last)
  );
}

/** RECORD rows of files that both installers copy from the wheel (not the generated ones). */
function recordRows(site: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const entry of readdirSync(site)) {
    if (!entry.endsWith(".dist-info")) continue;
    const lines = readFileSync(join(site, entry, "RECORD"), "utf8")
      .split(/\r?\n/)
      .filter((line) => line !== "")
      .filter(
        (line) =>
          !/^\.\.\/|__pycache__|\.dist-info\/(INSTALLER|RECORD|REQUESTED|direct_url\.json),/.test(
            line,
          ),
      )
      .sort();
    rows.set(entry, lines);
  }
  return rows;
}

/** `.dist-info` directories whose WHEEL differs (another wheel of the same version). */
function differentWheels(ours: string, theirs: string): Set<string> {
  const result = new Set<string>();
  for (const entry of readdirSync(theirs)) {
    if (!entry.endsWith(".dist-info")) continue;
    const wheel = (site: string) => {
      const path = join(site, entry, "WHEEL");
      return existsSync(path) ? readFileSync(path, "utf8") : undefined;
    };
    if (wheel(ours) !== undefined && wheel(ours) !== wheel(theirs)) result.add(entry);
  }
  return result;
}

/** The paths (relative to site-packages) a distribution's RECORD lists, and its directories. */
function recordPaths(site: string, distInfo: string): string[] {
  const paths = new Set<string>();
  for (const line of readFileSync(join(site, distInfo, "RECORD"), "utf8").split(/\r?\n/)) {
    const path = line.split(",")[0];
    if (path === undefined || path === "" || path.startsWith("../")) continue;
    for (
      let at = path;
      at !== "." && at !== "";
      at = at.includes("/") ? at.slice(0, at.lastIndexOf("/")) : ""
    ) {
      paths.add(at);
    }
  }
  return [...paths];
}

/** Imports every top-level module of site-packages in one process; returns the failures. */
async function importFailures(venvPython: string, site: string): Promise<Map<string, string>> {
  const modules = readdirSync(site, { withFileTypes: true })
    .filter(
      (entry) =>
        !entry.name.includes(".dist-info") &&
        !entry.name.startsWith("_") &&
        entry.name !== "__pycache__",
    )
    .map((entry) =>
      entry.isDirectory()
        ? existsSync(join(site, entry.name, "__init__.py"))
          ? entry.name
          : undefined
        : /^([A-Za-z0-9_]+)(\..*)?\.(py|so)$/.exec(entry.name)?.[1],
    )
    .filter((name): name is string => name !== undefined);
  const script = [
    "import importlib, json, sys",
    "failed = {}",
    "for name in sys.argv[1:]:",
    "    try:",
    "        importlib.import_module(name)",
    "    except BaseException as error:",
    "        failed[name] = type(error).__name__ + ': ' + str(error)[:200]",
    "print(json.dumps(failed))",
  ].join("\n");
  const { stdout } = await run(venvPython, ["-c", script, ...[...new Set(modules)].sort()], {
    env: { ...env, MPLBACKEND: "Agg" },
    maxBuffer: 1 << 26,
    timeout: 120_000,
  });
  return new Map(
    Object.entries(JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, string>),
  );
}

describe("pip sync of the large set matches pip (oracle)", { skip }, () => {
  const cache = Cache.at(join(root, "probe-cache"));
  let puffinPython = "";
  let pipPython = "";
  let puffinSite = "";
  let pipSite = "";
  let fresh: Map<string, { content: string; executable: boolean }>;

  before(async () => {
    const base = await findBaseInterpreter({ python: python!.executable, env, cwd: root, cache });
    const make = async (name: string) => {
      const created = await createVenv({
        location: join(root, name),
        interpreter: base,
        prompt: undefined,
        systemSitePackages: false,
        clear: false,
        puffinVersion: "0.0.0-test",
      });
      const interpreter = await queryInterpreter(created.python, { cache });
      return { python: created.python, site: interpreter.info.scheme.purelib };
    };
    ({ python: puffinPython, site: puffinSite } = await make("puffin"));
    ({ python: pipPython, site: pipSite } = await make("pip"));
    fresh = snapshotTree(puffinSite);
  });

  test("same files, contents, executable bits, RECORD rows and importable modules as pip", async () => {
    const started = performance.now();
    const [synced] = await Promise.all([
      runPuffin(
        [
          "--cache-dir",
          join(root, "cache"),
          "pip",
          "sync",
          pins!,
          "--python",
          puffinPython,
          // The first-index rule: /opt/pypi, which holds the newest of the versions both
          // indexes list (what pip picked when it pinned the set), is consulted first.
          ...indexes
            .slice(0, -1)
            .flatMap((index) => ["--extra-index-url", pathToFileURL(index).href]),
          "--index-url",
          pathToFileURL(indexes.at(-1)!).href,
          "--find-links",
          FIND_LINKS,
        ],
        { env, cwd: root },
      ),
      run(
        python!.executable,
        [
          "-m",
          "pip",
          "--isolated",
          "--python",
          pipPython,
          "install",
          "--no-deps",
          "--no-compile",
          "--cache-dir",
          join(root, "pip-cache"),
          "--index-url",
          pathToFileURL(indexes[0]!).href,
          ...indexes.slice(1).flatMap((index) => ["--extra-index-url", pathToFileURL(index).href]),
          "--find-links",
          FIND_LINKS,
          "-r",
          pins!,
        ],
        { env, maxBuffer: 1 << 26 },
      ),
    ]);
    assert.equal(synced.status, 0, synced.stderr);
    assert.match(synced.stderr, /Installed 284 packages/);

    // Where the two indexes offer different wheels of one version, the first-index rule and
    // pip's best-match across indexes may pick different files (another tag): those
    // distributions are compared by name and version only.
    const otherWheel = differentWheels(puffinSite, pipSite);
    assert.ok(otherWheel.size <= 5, `different wheels chosen: ${[...otherWheel].join(", ")}`);
    const excluded = new Set(
      [...otherWheel].flatMap((distInfo) => [
        ...recordPaths(puffinSite, distInfo),
        ...recordPaths(pipSite, distInfo),
      ]),
    );
    const keep = (path: string) => comparable(path) && !excluded.has(path.replace(/\/$/, ""));
    const ours = new Map([...snapshotTree(puffinSite)].filter(([path]) => keep(path)));
    const theirs = new Map([...snapshotTree(pipSite)].filter(([path]) => keep(path)));
    const onlyOurs = [...ours.keys()].filter((path) => !theirs.has(path) && !path.endsWith("/"));
    const onlyTheirs = [...theirs.keys()].filter((path) => !ours.has(path) && !path.endsWith("/"));
    assert.deepEqual({ onlyOurs, onlyTheirs }, { onlyOurs: [], onlyTheirs: [] });
    const different = [...ours].filter(([path, file]) => {
      const other = theirs.get(path)!;
      return other.content !== file.content || other.executable !== file.executable;
    });
    assert.deepEqual(
      different.map(([path]) => path),
      [],
    );
    const rows = (site: string) =>
      new Map([...recordRows(site)].filter(([distInfo]) => !otherWheel.has(distInfo)));
    assert.deepEqual(rows(puffinSite), rows(pipSite));

    const scripts = (venv: string) =>
      readdirSync(join(root, venv, "bin"))
        .filter((name) => !/^(activate|python|pip)/i.test(name))
        .sort();
    assert.deepEqual(scripts("puffin"), scripts("pip"));

    const [ourFailures, theirFailures] = await Promise.all([
      importFailures(puffinPython, puffinSite),
      importFailures(pipPython, pipSite),
    ]);
    const oursOnly = [...ourFailures].filter(([name]) => !theirFailures.has(name));
    assert.deepEqual(oursOnly, [], "modules that import under pip but not under Puffin");
    process.stderr.write(
      `# oracle: sync + pip install + compare + imports in ${Math.round(performance.now() - started)}ms\n`,
    );
  });

  test("uninstalling everything leaves site-packages as in a fresh venv", async () => {
    const result = await runPuffin(
      [
        "--cache-dir",
        join(root, "cache"),
        "pip",
        "uninstall",
        "-r",
        pins!,
        "--python",
        puffinPython,
      ],
      { env, cwd: root },
    );
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /Uninstalled 284 packages/);
    assert.deepEqual(snapshotTree(puffinSite), fresh);
  });
});
