// `resolveUniversal` on an in-memory index: one resolution for every environment, forked where
// requirements call for different versions, each package version with the marker where it is
// installed; and a fork without a solution says which part of the environments it was.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Version, VersionRange } from "../../src/pep440/index.ts";
import { MarkerSet, Requirement } from "../../src/pep508/index.ts";
import {
  NoSolutionError,
  resolve,
  resolveUniversal,
  type UniversalResult,
} from "../../src/resolver/index.ts";
import type { UniversalOptions } from "../../src/resolver/universal.ts";
import { InMemoryProvider, optionsFor, type Universe } from "./in-memory-provider.ts";

const FROM_38 = VersionRange.higherThan(Version.parse("3.8"));

function universal(
  universe: Universe,
  requirements: readonly string[],
  extra: Partial<UniversalOptions> = {},
): Promise<UniversalResult> {
  return resolveUniversal(new InMemoryProvider(universe), {
    requirements: requirements.map((r) => Requirement.parse(r)),
    requiresPython: FROM_38,
    ...extra,
  });
}

/** `name==version ; marker` per package, the marker simplified for `>=3.8`. */
function lines(result: UniversalResult): string[] {
  return result.packages.map((p) => {
    const marker = p.marker.simplifyPython(FROM_38).toString();
    return `${p.name}==${p.version}${marker === "" ? "" : ` ; ${marker}`}`;
  });
}

describe("resolveUniversal", () => {
  test("requirements without markers: one fork, the pins of `resolve`", async () => {
    const universe: Universe = {
      a: { "1.0": ["b>=1"], "2.0": ["b>=2"] },
      b: { "1.0": [], "2.0": [], "3.0": ["c"] },
      c: { "1.0": [] },
    };
    const result = await universal(universe, ["a", "b<3"]);
    assert.equal(result.forks.length, 1);
    const single = await resolve(new InMemoryProvider(universe), optionsFor(["a", "b<3"]));
    assert.deepEqual(
      result.packages.map((p) => `${p.name}==${p.version}`),
      single.packages.map((p) => `${p.name}==${p.version}`),
    );
    assert.deepEqual(lines(result), ["a==2.0", "b==2.0"]);
  });

  test("conflicting requirements under disjoint markers: two versions, disjoint markers", async () => {
    const universe: Universe = { a: { "1.0": [], "1.5": [], "2.0": [], "3.0": [] } };
    const result = await universal(universe, [
      "a>=2 ; sys_platform == 'linux'",
      "a<2 ; sys_platform == 'darwin'",
    ]);
    assert.deepEqual(lines(result), [
      "a==1.5 ; sys_platform == 'darwin'",
      "a==3.0 ; sys_platform == 'linux'",
    ]);
    assert.ok(result.packages[0]!.marker.isDisjoint(result.packages[1]!.marker));
  });

  test("a comparison and its opposite split cleanly (no fork where both hold)", async () => {
    const universe: Universe = { a: { "1.0": [], "2.0": [] } };
    for (const [yes, no] of [
      ["platform_release >= '5'", "platform_release < '5'"],
      ["'x' in sys_platform", "'x' not in sys_platform"],
    ]) {
      const result = await universal(universe, [`a>=2 ; ${yes}`, `a<2 ; ${no}`]);
      assert.deepEqual(lines(result), [`a==1.0 ; ${no}`, `a==2.0 ; ${yes}`]);
      assert.equal(result.forks.length, 2);
    }
  });

  test("a transitive dependency reached only under a marker gets that marker", async () => {
    const universe: Universe = {
      a: { "1.0": ["b ; os_name == 'nt'", "c"] },
      b: { "1.0": ["d"] },
      c: { "1.0": [] },
      d: { "1.0": [] },
    };
    const result = await universal(universe, ["a ; python_version < '3.13'"]);
    assert.deepEqual(lines(result), [
      "a==1.0 ; python_version < '3.13'",
      "b==1.0 ; os_name == 'nt' and python_version < '3.13'",
      "c==1.0 ; python_version < '3.13'",
      "d==1.0 ; os_name == 'nt' and python_version < '3.13'",
    ]);
  });

  test("an extra requested under a marker brings its requirements under it", async () => {
    const universe: Universe = {
      b: { "1.0": { requires: [], extras: { x: ["c"] } } },
      c: { "1.0": [] },
    };
    const result = await universal(universe, ["b[x] ; python_version < '3.13'", "b"]);
    assert.deepEqual(lines(result), ["b==1.0", "c==1.0 ; python_version < '3.13'"]);
    assert.deepEqual(result.packages[0]!.extras, ["x"]);
  });

  test("a dependency under a higher Python may take a version that needs it", async () => {
    const universe: Universe = {
      a: { "1.0": ["b ; python_version >= '3.13'"] },
      b: {
        "1.0": { requires: [], requiresPython: ">=3.8" },
        "2.0": { requires: [], requiresPython: ">=3.13" },
      },
    };
    const result = await universal(universe, ["a"]);
    assert.deepEqual(lines(result), ["a==1.0", "b==2.0 ; python_version >= '3.13'"]);
  });

  test("a split's parts are solved in uv's order: the part split off last first", async () => {
    // `kit` splits on `helper`; each part forces one of `pin`/`tool` and leaves the other free,
    // so the part solved first decides (through the preferences) where the free one lands.
    const universe: Universe = {
      kit: {
        "1.0": [
          "helper==1 ; os_name == 'nt'",
          "helper==2 ; os_name != 'nt'",
          "pin==1 ; os_name == 'nt'",
          "tool==1 ; os_name != 'nt'",
        ],
      },
      helper: { "1": [], "2": [] },
      pin: { "1": [], "2": [] },
      tool: { "1": [], "2": [] },
    };
    const result = await universal(universe, ["kit", "pin", "tool"]);
    assert.deepEqual(lines(result), [
      "helper==1 ; os_name == 'nt'",
      "helper==2 ; os_name != 'nt'",
      "kit==1.0",
      "pin==1",
      "tool==1 ; os_name != 'nt'",
      "tool==2 ; os_name == 'nt'",
    ]);
  });

  test("a Python split solves the higher Pythons first, so they get the newest versions", async () => {
    const universe: Universe = {
      app: { "1.0": ["lib"] },
      lib: {
        "1.0": { requires: [], requiresPython: ">=3.8" },
        "2.0": { requires: [], requiresPython: ">=3.11" },
      },
    };
    const result = await universal(universe, ["app", "lib>=1 ; python_version >= '3.11'"]);
    assert.deepEqual(lines(result), [
      "app==1.0",
      "lib==1.0 ; python_version < '3.11'",
      "lib==2.0 ; python_version >= '3.11'",
    ]);
    // Lowest resolutions solve the lowest Python first: its version serves the higher ones too.
    const lowest = await universal(universe, ["app", "lib>=1 ; python_version >= '3.11'"], {
      resolution: "lowest",
    });
    assert.deepEqual(lines(lowest), ["app==1.0", "lib==1.0"]);
  });

  test("a requirement cycle terminates with the right markers", async () => {
    const universe: Universe = {
      a: { "1.0": ["b ; sys_platform == 'linux'"] },
      b: { "1.0": ["a", "c ; python_version >= '3.10'"] },
      c: { "1.0": ["b"] },
    };
    const result = await universal(universe, ["a ; implementation_name == 'cpython'"]);
    assert.deepEqual(lines(result), [
      "a==1.0 ; implementation_name == 'cpython'",
      "b==1.0 ; implementation_name == 'cpython' and sys_platform == 'linux'",
      "c==1.0 ; implementation_name == 'cpython' and python_version >= '3.10' and sys_platform == 'linux'",
    ]);
  });

  test("lowest-direct takes the lowest direct version in each fork", async () => {
    const universe: Universe = {
      a: { "1.0": ["c"], "2.0": ["c"], "3.0": ["c"] },
      c: { "1.0": [], "2.0": [] },
    };
    const result = await universal(
      universe,
      ["a>=2 ; sys_platform == 'linux'", "a<3 ; sys_platform != 'linux'"],
      { resolution: "lowest-direct" },
    );
    assert.deepEqual(lines(result), [
      "a==1.0 ; sys_platform != 'linux'",
      "a==2.0 ; sys_platform == 'linux'",
      "c==2.0",
    ]);
  });

  test("constraints and overrides apply where their markers hold", async () => {
    const universe: Universe = {
      a: { "1.0": ["b"], "2.0": ["b>=2"] },
      b: { "1.0": [], "2.0": [], "3.0": [] },
    };
    const result = await universal(universe, ["a"], {
      constraints: [Requirement.parse("b<3 ; sys_platform == 'win32'")],
      overrides: [Requirement.parse("a==1.0 ; python_version < '3.9'")],
    });
    // The override applies where its marker holds (Python 3.8), and the constraint is
    // honoured where it holds: no `b==3.0` on Windows.
    for (const p of result.packages) {
      if (p.name === "b" && p.version.equals(Version.parse("3.0"))) {
        assert.ok(
          p.marker.isDisjoint(MarkerSet.parse("sys_platform == 'win32'")),
          lines(result).join("\n"),
        );
      }
    }
    const win = MarkerSet.parse("sys_platform == 'win32'");
    const winB = result.packages.filter((p) => p.name === "b" && !p.marker.isDisjoint(win));
    assert.ok(winB.length > 0 && winB.every((p) => p.version.compare(Version.parse("3")) < 0));
    assert.ok(result.packages.every((p) => !p.marker.isFalse()));
  });
});

describe("a fork without a solution", () => {
  test("says in which part of the environments it failed", async () => {
    const universe: Universe = { a: { "1.0": [], "2.0": [] }, b: { "1.0": ["a>=3"] } };
    const error = await universal(universe, [
      "a>=2 ; sys_platform == 'linux'",
      "a<2 ; sys_platform == 'darwin'",
      "b ; sys_platform == 'darwin'",
    ]).then(
      () => assert.fail("resolved"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof NoSolutionError);
    assert.equal(error.code, "no-solution");
    assert.equal(error.split, "sys_platform == 'darwin'");
    assert.match(
      error.message,
      /^No solution found when resolving dependencies for split \(markers: sys_platform == 'darwin'\):\n {2}Because/,
    );
    assert.match(error.report, /b/);
  });

  test("a failure of the whole resolution names no split", async () => {
    const universe: Universe = { a: { "1.0": [] } };
    const error = await universal(universe, ["a>=2"]).then(
      () => assert.fail("resolved"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof NoSolutionError);
    assert.equal(error.split, undefined);
    assert.match(error.message, /^No solution found when resolving dependencies:\n/);
  });

  test("one package from different URLs in disjoint environments", async () => {
    const provider = new InMemoryProvider(
      { c: { "1.0": [] } },
      {
        "https://example.com/a-1.0.tar.gz": { version: "1.0", requires: ["c"] },
        "https://example.com/a-2.0.tar.gz": { version: "2.0" },
      },
    );
    const result = await resolveUniversal(provider, {
      requirements: [
        "a @ https://example.com/a-1.0.tar.gz ; sys_platform == 'linux'",
        "a @ https://example.com/a-2.0.tar.gz ; sys_platform == 'darwin'",
      ].map((r) => Requirement.parse(r)),
      requiresPython: FROM_38,
    });
    assert.deepEqual(lines(result), [
      "a==1.0 ; sys_platform == 'linux'",
      "a==2.0 ; sys_platform == 'darwin'",
      "c==1.0 ; sys_platform == 'linux'",
    ]);
    assert.deepEqual(
      result.packages.map((p) => p.url?.given),
      ["https://example.com/a-1.0.tar.gz", "https://example.com/a-2.0.tar.gz", undefined],
    );
  });

  test("different URLs where both apply are a conflict", async () => {
    const provider = new InMemoryProvider(
      {},
      {
        "https://example.com/a-1.0.tar.gz": { version: "1.0" },
        "https://example.com/a-2.0.tar.gz": { version: "2.0" },
      },
    );
    const requirements = [
      "a @ https://example.com/a-1.0.tar.gz ; sys_platform == 'linux'",
      "a @ https://example.com/a-2.0.tar.gz ; python_version >= '3.9'",
    ].map((r) => Requirement.parse(r));
    await assert.rejects(resolveUniversal(provider, { requirements, requiresPython: FROM_38 }), {
      code: "conflicting-urls",
    });
  });

  test("a newest version that needs a newer Python forks there (uv's requires-python strategy)", async () => {
    const universe: Universe = {
      app: { "1.0": ["lib"] },
      lib: {
        "1.0": [],
        "2.0": { requiresPython: ">=3.10" },
        "3.0": { requiresPython: ">=3.12" },
      },
    };
    const result = await universal(universe, ["app"]);
    assert.deepEqual(lines(result), [
      "app==1.0",
      "lib==1.0 ; python_version < '3.10'",
      "lib==2.0 ; python_version >= '3.10' and python_version < '3.12'",
      "lib==3.0 ; python_version >= '3.12'",
    ]);
    // The lowest versions are wanted: the fork's lowest Python decides, no split.
    const lowest = await universal(universe, ["app"], { resolution: "lowest" });
    assert.deepEqual(lines(lowest), ["app==1.0", "lib==1.0"]);
  });
});
