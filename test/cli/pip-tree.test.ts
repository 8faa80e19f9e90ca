import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { renderTree } from "../../src/cli/commands/pip-tree.ts";
import type { InstalledDist } from "../../src/distribution-types/index.ts";
import { PackageName } from "../../src/normalize/index.ts";
import { Version } from "../../src/pep440/index.ts";

/** A graph from `name: children` pairs; every package at version 1.0. */
function graph(edges: Record<string, string[]>) {
  const result = new Map<PackageName, { dist: InstalledDist; children: PackageName[] }>();
  for (const [name, children] of Object.entries(edges)) {
    const dist = {
      name: PackageName.parse(name),
      version: Version.parse("1.0"),
      path: `/site/${name}-1.0.dist-info`,
      kind: "dist-info",
      directUrl: undefined,
      editable: false,
      installedAtMs: 0,
    } satisfies InstalledDist;
    result.set(dist.name, { dist, children: children.map((c) => PackageName.parse(c)) });
  }
  return result;
}

const names = (list: string[]) => new Set(list.map((n) => PackageName.parse(n)));
const diamond = graph({
  app: ["web", "db"],
  web: ["core"],
  db: ["core"],
  core: ["leaf"],
  leaf: [],
});

describe("renderTree (pip tree)", () => {
  const cases: { name: string; options: Parameters<typeof renderTree>[1]; lines: string[] }[] = [
    {
      name: "a subtree drawn before is marked (*) and explained",
      options: { depth: 255, prune: names([]), dedupe: true },
      lines: [
        "app v1.0",
        "├── web v1.0",
        "│   └── core v1.0",
        "│       └── leaf v1.0",
        "└── db v1.0",
        "    └── core v1.0 (*)",
        "(*) Package tree already displayed",
      ],
    },
    {
      name: "--no-dedupe draws it again",
      options: { depth: 255, prune: names([]), dedupe: false },
      lines: [
        "app v1.0",
        "├── web v1.0",
        "│   └── core v1.0",
        "│       └── leaf v1.0",
        "└── db v1.0",
        "    └── core v1.0",
        "        └── leaf v1.0",
      ],
    },
    {
      name: "--depth limits the levels below a root",
      options: { depth: 1, prune: names([]), dedupe: true },
      lines: ["app v1.0", "├── web v1.0", "└── db v1.0"],
    },
    {
      name: "--prune leaves a package and its subtree out; --package picks the roots",
      options: {
        roots: [PackageName.parse("web"), PackageName.parse("db")],
        depth: 255,
        prune: names(["leaf"]),
        dedupe: true,
      },
      lines: ["web v1.0", "└── core v1.0", "db v1.0", "└── core v1.0"],
    },
  ];
  for (const { name, options, lines } of cases) {
    test(name, () => assert.deepEqual(renderTree(diamond, options), lines));
  }

  test("a cycle is cut where it closes", () => {
    const cycle = graph({ top: ["a"], a: ["b"], b: ["a"] });
    assert.deepEqual(renderTree(cycle, { depth: 255, prune: names([]), dedupe: false }), [
      "top v1.0",
      "└── a v1.0",
      "    └── b v1.0",
      "        └── a v1.0 (*)",
      "(*) Package tree already displayed",
    ]);
  });
});
