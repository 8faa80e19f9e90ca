import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type {
  CachedDist,
  DesiredDist,
  DistSource,
  InstalledDist,
} from "../../src/distribution-types/index.ts";
import { WheelFilename } from "../../src/filenames/index.ts";
import { plan } from "../../src/installer/index.ts";
import { PackageName } from "../../src/normalize/index.ts";
import { Version } from "../../src/pep440/index.ts";
import type { DirectUrl } from "../../src/pypi-types/index.ts";

const name = (text: string) => PackageName.parse(text);

function desired(spec: string, source: DistSource = { kind: "registry" }): DesiredDist {
  const [n, v] = spec.split("==") as [string, string];
  return { name: name(n), version: Version.parse(v), source };
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
  return {
    cached: result.cached.map((c) => label(c.dist)),
    remote: result.remote.map(label),
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
  const table: [string, DesiredDist[], InstalledDist[], object, Partial<Summary>][] = [
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
    ["extraneous is only reported", [], [installed("x==1.0")], {}, { extraneous: ["x==1.0"] }],
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
      assert.deepEqual(summary(plan(want, have, options)), { ...empty, ...expected });
    });
  }

  test("the plan is plain data (JSON round-trip keeps every list)", () => {
    const result = plan([desired("a==2.0")], [installed("a==1.0"), installed("z==1.0")]);
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
