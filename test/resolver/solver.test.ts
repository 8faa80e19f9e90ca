import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PackageName } from "../../src/normalize/index.ts";
import { Version } from "../../src/pep440/index.ts";
import { Requirement } from "../../src/pep508/index.ts";
import { NoSolutionError, resolve, type SolverResult } from "../../src/resolver/index.ts";
import type { ResolveOptions } from "../../src/resolver/options.ts";
import { PuffinError } from "../../src/support/index.ts";
import { InMemoryProvider, optionsFor, type Universe, type UrlDist } from "./in-memory-provider.ts";

function pins(resolution: SolverResult): string[] {
  return resolution.packages.map((p) => `${p.name}==${p.version}`);
}

async function solve(
  universe: Universe,
  requirements: readonly string[],
  extra: Partial<ResolveOptions> = {},
  urls: Readonly<Record<string, UrlDist>> = {},
): Promise<string[]> {
  return pins(await resolve(new InMemoryProvider(universe, urls), optionsFor(requirements, extra)));
}

async function failure(
  universe: Universe,
  requirements: readonly string[],
  extra: Partial<ResolveOptions> = {},
): Promise<NoSolutionError> {
  try {
    await resolve(new InMemoryProvider(universe), optionsFor(requirements, extra));
  } catch (error) {
    if (error instanceof NoSolutionError) return error;
    throw error;
  }
  assert.fail("expected no solution");
}

const reqs = (list: readonly string[]) => list.map((r) => Requirement.parse(r));

// The examples of the PubGrub guide (https://github.com/dart-lang/pub/blob/master/doc/solver.md),
// caret ranges written out as PEP 440 ranges.
describe("PubGrub guide examples", () => {
  const cases: {
    name: string;
    universe: Universe;
    requires: string[];
    expected: string[];
  }[] = [
    {
      name: "no conflicts",
      universe: { foo: { "1.0.0": ["bar>=1,<2"] }, bar: { "1.0.0": [], "2.0.0": [] } },
      requires: ["foo>=1,<2"],
      expected: ["bar==1.0.0", "foo==1.0.0"],
    },
    {
      name: "avoiding conflict during decision making",
      universe: {
        foo: { "1.0.0": [], "1.1.0": ["bar>=2,<3"] },
        bar: { "1.0.0": [], "1.1.0": [], "2.0.0": [] },
      },
      requires: ["foo>=1,<2", "bar>=1,<2"],
      expected: ["bar==1.1.0", "foo==1.0.0"],
    },
    {
      name: "performing conflict resolution",
      universe: {
        foo: { "1.0.0": [], "2.0.0": ["bar>=1,<2"] },
        bar: { "1.0.0": ["foo>=1,<2"] },
      },
      requires: ["foo>=1"],
      expected: ["foo==1.0.0"],
    },
    {
      name: "conflict resolution with a partial satisfier",
      universe: {
        foo: { "1.0.0": [], "1.1.0": ["left>=1,<2", "right>=1,<2"] },
        left: { "1.0.0": ["shared>=1"] },
        right: { "1.0.0": ["shared<2"] },
        shared: { "2.0.0": [], "1.0.0": ["target>=1,<2"] },
        target: { "2.0.0": [], "1.0.0": [] },
      },
      requires: ["foo>=1,<2", "target>=2,<3"],
      expected: ["foo==1.0.0", "target==2.0.0"],
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      assert.deepEqual(await solve(c.universe, c.requires), c.expected);
    });
  }

  test("linear error reporting", async () => {
    const error = await failure(
      {
        foo: { "1.0.0": ["bar>=2,<3"] },
        bar: { "2.0.0": ["baz>=3,<4"] },
        baz: { "1.0.0": [], "3.0.0": [] },
      },
      ["foo>=1,<2", "baz>=1,<2"],
    );
    assert.equal(
      error.report,
      [
        "Because bar==2.0.0 depends on baz>=3,<4 and foo==1.0.0 depends on bar>=2,<3, we can conclude that foo==1.0.0 depends on baz==3.0.0.",
        "And because you require foo>=1,<2 and baz>=1,<2, we can conclude that your requirements are unsatisfiable.",
      ].join("\n"),
    );
  });

  test("branching error reporting", async () => {
    const error = await failure(
      {
        foo: { "1.0.0": ["a>=1,<2", "b>=1,<2"], "1.1.0": ["x>=1,<2", "y>=1,<2"] },
        a: { "1.0.0": ["b>=2,<3"] },
        b: { "1.0.0": [], "2.0.0": [] },
        x: { "1.0.0": ["y>=2,<3"] },
        y: { "1.0.0": [], "2.0.0": [] },
      },
      ["foo>=1,<2"],
    );
    assert.equal(
      error.report,
      [
        "Because a==1.0.0 depends on b>=2,<3 and foo==1.0.0 depends on a>=1,<2, we can conclude that foo==1.0.0 depends on b==2.0.0.",
        "And because foo==1.0.0 depends on b>=1,<2, we can conclude that foo==1.0.0 cannot be used. (1)",
        "",
        "Because x==1.0.0 depends on y>=2,<3 and foo==1.1.0 depends on x>=1,<2, we can conclude that foo==1.1.0 depends on y==2.0.0.",
        "And because foo==1.1.0 depends on y>=1,<2, we can conclude that foo==1.1.0 cannot be used.",
        "And because foo==1.0.0 cannot be used (1), we can conclude that no version of foo can be used.",
        "And because you require foo>=1,<2, we can conclude that your requirements are unsatisfiable.",
      ].join("\n"),
    );
  });
});

describe("resolve", () => {
  test("backtracks over many versions of a parent to the one that fits", async () => {
    const universe: Record<string, Record<string, string[]>> = { a: {}, b: {} };
    for (let i = 1; i <= 20; i++) universe.a![`${i}.0`] = [`b==${i}.0`];
    for (let i = 1; i <= 20; i++) universe.b![`${i}.0`] = [];
    assert.deepEqual(await solve(universe, ["a", "b<=3"]), ["a==3.0", "b==3.0"]);
  });

  test("extras are virtual packages pinned to their base version", async () => {
    const universe: Universe = {
      black: {
        "23.0": { requires: ["click"], extras: { d: ["aiohttp>=3"] } },
        "24.0": { requires: ["click"], extras: { d: ["aiohttp>=4"] } },
      },
      click: { "8.0": [] },
      aiohttp: { "3.9": [] },
    };
    const resolution = await resolve(new InMemoryProvider(universe), optionsFor(["black[d]"]));
    assert.deepEqual(pins(resolution), ["aiohttp==3.9", "black==23.0", "click==8.0"]);
    const black = resolution.packages.find((p) => p.name === "black")!;
    assert.deepEqual(black.extras, ["d"]);
    assert.equal(black.direct, true);
    const aiohttp = resolution.packages.find((p) => p.name === "aiohttp")!;
    assert.deepEqual(aiohttp.dependents, ["black"]);
    assert.equal(aiohttp.direct, false);
  });

  test("markers are evaluated for the target environment", async () => {
    const universe: Universe = {
      a: { "1.0": ['b; sys_platform == "win32"', 'c; python_version >= "3.8"'] },
      b: { "1.0": [] },
      c: { "1.0": [] },
      d: { "1.0": [] },
    };
    assert.deepEqual(await solve(universe, ["a", 'd; python_version < "3"']), ["a==1.0", "c==1.0"]);
  });

  test("Requires-Python is a dependency on the target Python", async () => {
    const universe: Universe = {
      a: { "1.0": { requiresPython: ">=3.8" }, "2.0": { requiresPython: ">=3.13" } },
    };
    assert.deepEqual(await solve(universe, ["a"]), ["a==1.0"]);
    const error = await failure(universe, ["a>=2"]);
    assert.equal(
      error.report,
      [
        "Because a==2.0 depends on Python>=3.13 and the target Python version (3.12.1) does not satisfy Python>=3.13, we can conclude that a==2.0 cannot be used.",
        "And because you require a>=2, we can conclude that your requirements are unsatisfiable.",
      ].join("\n"),
    );
    assert.match(
      error.hint ?? "",
      /a==2.0 requires Python>=3.13, which excludes the target Python version 3.12.1/,
    );
  });

  test("an upper bound reads back as the user wrote it: `<2`, not `<2.dev0`", async () => {
    const error = await failure({ a: { "3.0": [] } }, ["a<2"]);
    assert.equal(
      error.report,
      "Because you require a<2 and only a==3.0 is available, we can conclude that your requirements are unsatisfiable.",
    );
  });

  test("only the lower bound of Requires-Python counts, as uv reads it", async () => {
    const universe: Universe = {
      capped: { "1.0": {}, "2.0": { requiresPython: ">=3.8,<3.10" } },
      pinned: {
        "1.0": {},
        "2.0": { requiresPython: "==3.10" },
        "3.0": { requiresPython: "==3.13" },
      },
    };
    assert.deepEqual(await solve(universe, ["capped", "pinned"]), ["capped==2.0", "pinned==2.0"]);
  });

  test("constraints narrow what is required and never add packages", async () => {
    const universe: Universe = {
      a: { "1.0": ["b"] },
      b: { "1.0": [], "2.0": [] },
      c: { "1.0": [] },
    };
    assert.deepEqual(await solve(universe, ["a"], { constraints: reqs(["b<2", "c==1.0"]) }), [
      "a==1.0",
      "b==1.0",
    ]);
  });

  test("overrides replace every requirement on a name, transitive ones too", async () => {
    const universe: Universe = { a: { "1.0": ["b<2"] }, b: { "1.0": [], "2.0": [] } };
    await failure(universe, ["a", "b>=2"]);
    assert.deepEqual(await solve(universe, ["a", "b>=2"], { overrides: reqs(["b>=2"]) }), [
      "a==1.0",
      "b==2.0",
    ]);
  });

  test("preferences are tried first when they fit", async () => {
    const universe: Universe = { a: { "1.0": [], "2.0": [], "3.0": [] } };
    const preferences = new Map([[PackageName.parse("a"), Version.parse("2.0")]]);
    assert.deepEqual(await solve(universe, ["a"], { preferences }), ["a==2.0"]);
    assert.deepEqual(await solve(universe, ["a<2"], { preferences }), ["a==1.0"]);
  });

  test("resolution modes", async () => {
    const universe: Universe = {
      a: { "1.0": ["b"], "2.0": ["b"] },
      b: { "1.0": [], "2.0": [] },
    };
    assert.deepEqual(await solve(universe, ["a"]), ["a==2.0", "b==2.0"]);
    assert.deepEqual(await solve(universe, ["a"], { resolution: "lowest" }), ["a==1.0", "b==1.0"]);
    assert.deepEqual(await solve(universe, ["a"], { resolution: "lowest-direct" }), [
      "a==1.0",
      "b==2.0",
    ]);
  });

  test("yanked versions are skipped unless pinned with ==", async () => {
    const universe: Universe = { a: { "1.0": [], "2.0": { yanked: true } } };
    assert.deepEqual(await solve(universe, ["a"]), ["a==1.0"]);
    assert.deepEqual(await solve(universe, ["a==2.0"]), ["a==2.0"]);
    const error = await failure(universe, ["a>=2"]);
    assert.match(error.hint ?? "", /`a==2.0` was yanked/);
  });

  test("a version without a usable file is reported with its reason", async () => {
    const universe: Universe = {
      a: { "1.0": [], "2.0": { unavailable: "has no wheel for this platform" } },
    };
    assert.deepEqual(await solve(universe, ["a"]), ["a==1.0"]);
    const error = await failure(universe, ["a==2.0"]);
    assert.equal(
      error.report,
      "Because you require a==2.0 and a==2.0 has no wheel for this platform, we can conclude that your requirements are unsatisfiable.",
    );
  });

  test("a package in no index is reported, with the provider's reason as hint", async () => {
    const error = await failure({ a: { "1.0": ["missing"] } }, ["a"]);
    assert.equal(
      error.report,
      [
        "Because a==1.0 depends on missing and missing was not found in the package registry, we can conclude that a==1.0 cannot be used.",
        "And because you require a, we can conclude that your requirements are unsatisfiable.",
      ].join("\n"),
    );
    assert.equal(error.hint, "No index has a project named `missing`");
    assert.equal(error.code, "no-solution");
  });

  test("a self-dependency accepting its own version is ignored", async () => {
    const universe: Universe = {
      a: { "1.0": { extras: { all: ["a[x]"], x: ["b"] } } },
      b: { "1.0": [] },
    };
    assert.deepEqual(await solve(universe, ["a[all]"]), ["a==1.0", "b==1.0"]);
  });
});

describe("pre-release modes", () => {
  const universe: Universe = {
    a: { "1.0": [], "2.0b1": [] },
    only: { "1.0a1": [], "1.0a2": [] },
  };
  const cases: {
    mode: ResolveOptions["prerelease"];
    requires: string[];
    expected: string[] | "fails";
  }[] = [
    { mode: undefined, requires: ["a"], expected: ["a==1.0"] },
    { mode: undefined, requires: ["a>=1.5"], expected: ["a==2.0b1"] },
    { mode: undefined, requires: ["only"], expected: ["only==1.0a2"] },
    { mode: "if-necessary", requires: ["a>=1.5"], expected: ["a==2.0b1"] },
    { mode: "allow", requires: ["a"], expected: ["a==2.0b1"] },
    { mode: "disallow", requires: ["only"], expected: "fails" },
    { mode: "disallow", requires: ["a>=1.5"], expected: "fails" },
    { mode: "explicit", requires: ["a>=1.5"], expected: "fails" },
    { mode: "explicit", requires: ["a>=2.0a1"], expected: ["a==2.0b1"] },
    { mode: "explicit", requires: ["a>=0.1a1"], expected: ["a==1.0"] },
  ];
  for (const c of cases) {
    test(`${c.mode ?? "default"}: ${c.requires.join(", ")}`, async () => {
      if (c.expected === "fails") {
        const error = await failure(universe, c.requires, { prerelease: c.mode });
        assert.match(
          error.hint ?? "",
          /Pre-releases are available for `(a|only)` in the requested range/,
        );
        return;
      }
      assert.deepEqual(await solve(universe, c.requires, { prerelease: c.mode }), c.expected);
    });
  }
});

describe("URL requirements", () => {
  const universe: Universe = { a: { "1.0": ["b"] }, b: { "9.0": [] } };
  const urls = {
    "https://example.com/b-2.0.tar.gz": { version: "2.0", requires: ["c"] },
    "https://example.com/c-1.0.tar.gz": { version: "1.0" },
  };

  test("a package declared by URL has exactly the URL's version", async () => {
    const resolution = await resolve(
      new InMemoryProvider({ ...universe, c: { "1.0": [] } }, urls),
      optionsFor(["a", "b @ https://example.com/b-2.0.tar.gz"]),
    );
    assert.deepEqual(pins(resolution), ["a==1.0", "b==2.0", "c==1.0"]);
    assert.equal(resolution.packages[1]!.url?.given, "https://example.com/b-2.0.tar.gz");
  });

  test("a transitive URL that the user did not declare is an error saying what to add", async () => {
    const provider = new InMemoryProvider(
      { a: { "1.0": ["b @ https://example.com/b-2.0.tar.gz"] } },
      urls,
    );
    await assert.rejects(resolve(provider, optionsFor(["a"])), (error: unknown) => {
      assert.ok(error instanceof PuffinError);
      assert.equal(error.code, "undeclared-url");
      assert.match(
        error.message,
        /`b` is required from the URL `https:\/\/example.com\/b-2.0.tar.gz` by `a==1.0`/,
      );
      assert.equal(error.hint, "Add `b @ https://example.com/b-2.0.tar.gz` to your requirements");
      return true;
    });
  });

  test("conflicting URLs for one package are an error", async () => {
    const provider = new InMemoryProvider(universe, urls);
    await assert.rejects(
      resolve(
        provider,
        optionsFor([
          "b @ https://example.com/b-2.0.tar.gz",
          "b @ https://example.com/other.tar.gz",
        ]),
      ),
      { code: "conflicting-urls" },
    );
  });
});

describe("prefetching", () => {
  test("the dependencies of expected candidates are requested before they are decided", async () => {
    const provider = new InMemoryProvider({
      a: { "1.0": ["c"] },
      b: { "1.0": ["d"] },
      c: { "1.0": [] },
      d: { "1.0": [] },
    });
    await resolve(provider, optionsFor(["a", "b"]));
    // Both root dependencies are fetched before either is decided, so their metadata requests
    // are in flight together.
    const first = provider.calls.slice(0, 4).sort();
    assert.deepEqual(first, [
      "dependencies a==1.0",
      "dependencies b==1.0",
      "versions a",
      "versions b",
    ]);
    assert.equal(new Set(provider.calls).size, provider.calls.length, "no request is repeated");
  });
});
