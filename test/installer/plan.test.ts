import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type CachedDist,
  type Dist,
  IndexUrl,
  type InstalledDist,
  Resolution,
  type ResolvedDist,
} from "../../src/distribution-types/index.ts";
import { DistFilename, SourceDistFilename, WheelFilename } from "../../src/filenames/index.ts";
import { diffEnvironment, type PlanOptions, plan } from "../../src/installer/plan.ts";
import { PackageName } from "../../src/normalize/index.ts";
import { Version } from "../../src/pep440/index.ts";
import { VerbatimUrl } from "../../src/pep508/index.ts";
import type { DirectUrl } from "../../src/pypi-types/index.ts";

const name = (text: string) => PackageName.parse(text);

/** Where a resolved distribution comes from, in the few words the table needs. */
type Source =
  | { kind: "registry" }
  | { kind: "url"; url: string }
  | { kind: "git"; url: string; commit: string }
  | { kind: "path" | "editable"; url: string; modifiedMs: number };

function desired(spec: string, source: Source = { kind: "registry" }): ResolvedDist {
  const [n, v] = spec.split("==") as [string, string];
  const version = Version.parse(v);
  const pkg = name(n);
  let dist: Dist;
  switch (source.kind) {
    case "registry": {
      const filename = `${n}-${v}-py3-none-any.whl`;
      dist = {
        kind: "registry-wheel",
        name: pkg,
        filename: WheelFilename.parse(filename),
        file: {
          file: {
            filename,
            distFilename: DistFilename.parse(filename),
            url: `https://index/files/${filename}`,
            hashes: {},
            requiresPython: undefined,
            requiresPythonRaw: undefined,
            yanked: undefined,
            coreMetadata: undefined,
            size: undefined,
            uploadTime: undefined,
          },
          origin: { kind: "index", index: IndexUrl.parse("https://index/simple") },
        },
      };
      break;
    }
    case "url":
      dist = {
        kind: "url-sdist",
        name: pkg,
        url: VerbatimUrl.parse(source.url),
        filename: SourceDistFilename.parse(`${n}-${v}.tar.gz`),
      };
      break;
    case "git":
      dist = {
        kind: "git",
        name: pkg,
        url: VerbatimUrl.parse(`git+${source.url}@${source.commit}`),
        git: {
          repository: source.url,
          commit: source.commit,
          subdirectory: undefined,
          path: "/checkout",
          pinnedUrl: `git+${source.url}@${source.commit}`,
          directUrl: { kind: "vcs", url: source.url, vcs: "git", commitId: source.commit },
        },
      };
      break;
    case "path":
    case "editable":
      dist = {
        kind: "directory",
        name: pkg,
        url: VerbatimUrl.parse(source.url),
        path: "/src/app",
        editable: source.kind === "editable",
        modifiedMs: source.modifiedMs,
      };
      break;
  }
  return { dist, version, requested: true, extras: [], dependents: [] };
}

/** The whole pure planning: the diff, then the split by what the cache holds. */
function planFor(
  want: readonly ResolvedDist[],
  have: readonly InstalledDist[],
  options: PlanOptions & { cached?: Map<PackageName, CachedDist> },
) {
  return plan(diffEnvironment(new Resolution(want), have, options), options.cached ?? new Map());
}

function installed(spec: string, directUrl?: DirectUrl, installedAtMs = 1000): InstalledDist {
  const [n, v] = spec.split("==") as [string, string];
  return {
    name: name(n),
    version: Version.parse(v),
    path: `/site/${n}-${v}.dist-info`,
    kind: "dist-info",
    directUrl,
    editable: directUrl?.kind === "dir" && directUrl.editable,
    installedAtMs,
  };
}

function cachedWheel(filename: string): CachedDist {
  return { filename: WheelFilename.parse(filename), path: `/cache/${filename}`, hashes: {} };
}

/** The plan as `name==version` strings per list (reinstalls with their reason). */
function summary(result: ReturnType<typeof plan>): Summary {
  const label = (d: { name: string; version: Version }) => `${d.name}==${d.version}`;
  const resolved = (r: ResolvedDist) => `${r.dist.name}==${r.version}`;
  return {
    cached: result.cached.map((c) => resolved(c.resolved)),
    remote: result.remote.map(resolved),
    reinstalls: result.reinstalls.map((r) => `${label(r.installed)} (${r.reason})`),
    extraneous: result.extraneous.map(label),
    unchanged: result.unchanged.map(label),
  };
}

type Summary = Record<"cached" | "remote" | "reinstalls" | "extraneous" | "unchanged", string[]>;
const empty: Summary = { cached: [], remote: [], reinstalls: [], extraneous: [], unchanged: [] };
const editableUrl: DirectUrl = { kind: "dir", url: "file:///src/app", editable: true };
const dirUrl: DirectUrl = { kind: "dir", url: "file:///src/app", editable: false };
const archiveUrl: DirectUrl = { kind: "archive", url: "https://h/a-1.0.tar.gz", hashes: {} };
const vcsUrl: DirectUrl = {
  kind: "vcs",
  url: "https://github.com/o/r.git",
  vcs: "git",
  commitId: "abc",
};

describe("plan", () => {
  const table: [
    string,
    ResolvedDist[],
    InstalledDist[],
    PlanOptions & { cached?: Map<PackageName, CachedDist> },
    Partial<Summary>,
  ][] = [
    ["nothing to do", [], [], {}, {}],
    [
      "already installed",
      [desired("a==1.0")],
      [installed("a==1.0")],
      {},
      { unchanged: ["a==1.0"] },
    ],
    ["1.0 is 1.0.0", [desired("a==1.0.0")], [installed("a==1.0")], {}, { unchanged: ["a==1.0"] }],
    [
      "wrong version",
      [desired("a==2.0")],
      [installed("a==1.0")],
      {},
      { remote: ["a==2.0"], reinstalls: ["a==1.0 (version)"] },
    ],
    ["missing, not cached", [desired("a==1.0")], [], {}, { remote: ["a==1.0"] }],
    [
      "missing, cached (only the same version counts)",
      [desired("a==1.0"), desired("b==2.0")],
      [],
      {
        cached: new Map([
          [name("a"), cachedWheel("a-1.0-py3-none-any.whl")],
          [name("b"), cachedWheel("b-1.0-py3-none-any.whl")],
        ]),
      },
      { cached: ["a==1.0"], remote: ["b==2.0"] },
    ],
    ["extraneous: left alone", [], [installed("x==1.0")], {}, {}],
    [
      "extraneous: removed by sync",
      [],
      [installed("x==1.0")],
      { removeExtraneous: true },
      { extraneous: ["x==1.0"] },
    ],
    [
      "--reinstall",
      [desired("a==1.0"), desired("b==1.0")],
      [installed("a==1.0"), installed("b==1.0")],
      { reinstall: true },
      { remote: ["a==1.0", "b==1.0"], reinstalls: ["a==1.0 (requested)", "b==1.0 (requested)"] },
    ],
    [
      "--reinstall-package",
      [desired("a==1.0"), desired("b==1.0")],
      [installed("a==1.0"), installed("b==1.0")],
      { reinstallPackages: [name("b")] },
      { remote: ["b==1.0"], reinstalls: ["b==1.0 (requested)"], unchanged: ["a==1.0"] },
    ],
    [
      "registry wanted, URL installed",
      [desired("a==1.0")],
      [installed("a==1.0", archiveUrl)],
      {},
      { remote: ["a==1.0"], reinstalls: ["a==1.0 (source)"] },
    ],
    [
      "registry wanted, editable installed",
      [desired("a==1.0")],
      [installed("a==1.0", editableUrl)],
      {},
      { remote: ["a==1.0"], reinstalls: ["a==1.0 (editable)"] },
    ],
    [
      "same URL (credentials and fragment aside)",
      [desired("a==1.0", { kind: "url", url: "https://u:p@h/a-1.0.tar.gz#sha256=00" })],
      [installed("a==1.0", archiveUrl)],
      {},
      { unchanged: ["a==1.0"] },
    ],
    [
      "different URL",
      [desired("a==1.0", { kind: "url", url: "https://other/a-1.0.tar.gz" })],
      [installed("a==1.0", archiveUrl)],
      {},
      { remote: ["a==1.0"], reinstalls: ["a==1.0 (source)"] },
    ],
    [
      "same git commit",
      [desired("a==1.0", { kind: "git", url: "https://github.com/o/r.git", commit: "abc" })],
      [installed("a==1.0", vcsUrl)],
      {},
      { unchanged: ["a==1.0"] },
    ],
    [
      "another git commit",
      [desired("a==1.0", { kind: "git", url: "https://github.com/o/r.git", commit: "def" })],
      [installed("a==1.0", vcsUrl)],
      {},
      { remote: ["a==1.0"], reinstalls: ["a==1.0 (source)"] },
    ],
    [
      "local path unchanged since the install",
      [desired("a==1.0", { kind: "path", url: "file:///src/app", modifiedMs: 500 })],
      [installed("a==1.0", dirUrl, 1000)],
      {},
      { unchanged: ["a==1.0"] },
    ],
    [
      "local path modified after the install (stale)",
      [desired("a==1.0", { kind: "path", url: "file:///src/app", modifiedMs: 2000 })],
      [installed("a==1.0", dirUrl, 1000)],
      {},
      { remote: ["a==1.0"], reinstalls: ["a==1.0 (stale)"] },
    ],
    [
      "editable wanted, non-editable installed",
      [desired("a==1.0", { kind: "editable", url: "file:///src/app", modifiedMs: 0 })],
      [installed("a==1.0", dirUrl)],
      {},
      { remote: ["a==1.0"], reinstalls: ["a==1.0 (editable)"] },
    ],
    [
      "editable wanted and installed",
      [desired("a==1.0", { kind: "editable", url: "file:///src/app", modifiedMs: 0 })],
      [installed("a==1.0", editableUrl)],
      {},
      { unchanged: ["a==1.0"] },
    ],
    [
      "path wanted, registry copy installed",
      [desired("a==1.0", { kind: "path", url: "file:///src/app", modifiedMs: 0 })],
      [installed("a==1.0")],
      {},
      { remote: ["a==1.0"], reinstalls: ["a==1.0 (source)"] },
    ],
    [
      "duplicates are all replaced",
      [desired("a==2.0")],
      [installed("a==1.0"), installed("a==2.0")],
      {},
      { remote: ["a==2.0"], reinstalls: ["a==1.0 (version)", "a==2.0 (duplicate)"] },
    ],
  ];
  for (const [what, want, have, options, expected] of table) {
    test(what, () => {
      assert.deepEqual(summary(planFor(want, have, options)), { ...empty, ...expected });
    });
  }

  test("the plan is plain data (JSON round-trip keeps every list)", () => {
    const result = planFor([desired("a==2.0")], [installed("a==1.0"), installed("z==1.0")], {
      removeExtraneous: true,
    });
    const copy = JSON.parse(JSON.stringify(result)) as Record<string, unknown[]>;
    assert.deepEqual(Object.keys(copy).sort(), [
      "cached",
      "extraneous",
      "reinstalls",
      "remote",
      "unchanged",
    ]);
    assert.equal(copy["extraneous"]!.length, 1);
  });
});
