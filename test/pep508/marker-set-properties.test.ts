// Properties of `MarkerSet` over random markers: a seeded generator (deterministic, a small LCG)
// writes a few hundred markers over the variables a universal resolution meets, and every answer
// of the set algebra is checked against `MarkerTree.evaluate` on a grid of environments: the
// set means what the marker means, `and`/`or`/`not` are exact, what `toString` prints parses
// back to the same set, and `isDisjoint`/`isSubsetOf` say what the grid says wherever the grid
// holds every kind of environment the two markers can tell apart.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ExtraName } from "../../src/normalize/index.ts";
import { type MarkerEnvironment, MarkerSet, MarkerTree } from "../../src/pep508/index.ts";

/** A linear congruential generator (Numerical Recipes' constants), seeded: the same run each time. */
class Lcg {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    this.#state = (Math.imul(this.#state, 1664525) + 1013904223) >>> 0;
    return Math.floor((this.#state / 2 ** 32) * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.below(items.length)]!;
  }
}

/**
 * The values the generator writes, and in the grid one more of each that no marker names (every
 * value a marker does not name is alike to a `MarkerSet`, and must be represented).
 */
const PLATFORMS = ["linux", "darwin", "win32", "aix"];
const OS_NAMES = ["posix"];
const MACHINES = ["x86_64", "arm64"];
const IMPLEMENTATIONS = ["cpython", "pypy"];
/** Below, at and above `5`; below, in and above `~= 5.1` (`>= 5.1, < 6`). */
const RELEASES = ["4.19", "5.0", "5.1.3", "6.1.0"];
const EXTRAS: readonly (readonly ExtraName[])[] = [
  [],
  [ExtraName.parse("a")],
  [ExtraName.parse("b")],
];
/**
 * A Python on each side of and at every bound the generator writes (`3.9`, `3.9.1`, `3.10`,
 * `3.10.0`, `3.12`, `3.13`, and `4` for `~=`), so every part of the Python line is represented.
 */
const PYTHONS = [
  "3.8.0",
  "3.9.0",
  "3.9.1",
  "3.9.2",
  "3.10.0",
  "3.10.3",
  "3.11.0",
  "3.12.0",
  "3.13.0",
  "4.0.0",
];

function grid(): MarkerEnvironment[] {
  const result: MarkerEnvironment[] = [];
  for (const sys_platform of [...PLATFORMS, "freebsd"]) {
    for (const os_name of [...OS_NAMES, "nt"]) {
      for (const platform_machine of [...MACHINES, "ppc64le"]) {
        for (const implementation_name of [...IMPLEMENTATIONS, "graalpy"]) {
          for (const python_full_version of PYTHONS) {
            for (const platform_release of RELEASES) {
              const [major, minor] = python_full_version.split(".");
              result.push({
                implementation_name,
                implementation_version: python_full_version,
                os_name,
                platform_machine,
                platform_python_implementation: implementation_name === "pypy" ? "PyPy" : "CPython",
                platform_release,
                platform_system: sys_platform,
                platform_version: "#1",
                python_full_version,
                python_version: `${major}.${minor}`,
                sys_platform,
              });
            }
          }
        }
      }
    }
  }
  return result;
}

const ENVIRONMENTS = grid();

/** One comparison, in any of the forms the generator writes. */
function comparison(random: Lcg): string {
  const equality = random.pick(["==", "!="]);
  switch (random.below(11)) {
    case 0:
      return `sys_platform ${equality} '${random.pick(PLATFORMS)}'`;
    case 1:
      return `os_name ${equality} '${random.pick(OS_NAMES)}'`;
    case 2:
      return `platform_machine ${equality} '${random.pick(MACHINES)}'`;
    case 3:
      return `implementation_name ${equality} '${random.pick(IMPLEMENTATIONS)}'`;
    case 4:
    case 5: {
      const operator = random.pick(["==", "!=", "<", "<=", ">", ">=", "~="]);
      const value = random.pick(["3.9", "3.10", "3.12", "3.13"]);
      // (`'3.9' ~= python_version` asks `~=` of the environment's Python: no range, and a
      // question not independent of `python_version`.)
      return random.below(4) === 0 && operator !== "~="
        ? `'${value}' ${flip(operator)} python_version`
        : `python_version ${operator} '${value}'`;
    }
    case 6: {
      const operator = random.pick(["==", "!=", "<", "<=", ">", ">="]);
      return `python_full_version ${operator} '${random.pick(["3.9.1", "3.10.0"])}'`;
    }
    case 7:
      return `extra ${equality} '${random.pick(["a", "b"])}'`;
    case 8:
      return `'x' ${random.pick(["in", "not in"])} sys_platform`;
    case 9:
      return random.below(7) === 0
        ? "platform_release ~= '5.1'"
        : `platform_release ${random.pick([">=", "<", "<=", ">", "==", "!="])} '5'`;
    default:
      return `sys_platform ${equality} '${random.pick(PLATFORMS)}'`;
  }
}

function flip(operator: string): string {
  return { "<": ">", "<=": ">=", ">": "<", ">=": "<=" }[operator] ?? operator;
}

/** A marker of up to `depth` levels of `and`/`or`, parenthesized or not. */
function marker(random: Lcg, depth: number): string {
  if (depth === 0 || random.below(3) === 0) return comparison(random);
  const parts = Array.from({ length: 2 + random.below(2) }, () => {
    const part = marker(random, depth - 1);
    return random.below(2) === 0 ? `(${part})` : part;
  });
  return parts.join(random.below(2) === 0 ? " and " : " or ");
}

const random = new Lcg(20240515);
const MARKERS = (() => {
  const found = new Set<string>();
  while (found.size < 300) found.add(marker(random, 3));
  return [...found];
})();

/** The grid's answers for a marker: one per environment and extra. */
function truth(tree: MarkerTree): boolean[] {
  const result: boolean[] = [];
  for (const env of ENVIRONMENTS)
    for (const extras of EXTRAS) result.push(tree.evaluate(env, extras));
  return result;
}

function setTruth(set: MarkerSet): boolean[] {
  const result: boolean[] = [];
  for (const env of ENVIRONMENTS)
    for (const extras of EXTRAS) result.push(set.evaluate(env, extras));
  return result;
}

function assertAgrees(set: MarkerSet, expected: readonly boolean[], label: string): void {
  const actual = setTruth(set);
  const i = actual.findIndex((value, j) => value !== expected[j]);
  if (i >= 0) {
    const env = ENVIRONMENTS[Math.floor(i / EXTRAS.length)];
    const extras = EXTRAS[i % EXTRAS.length];
    assert.fail(
      `${label}: the set says ${actual[i]} in ${JSON.stringify(env)} with extras ${JSON.stringify(extras)}`,
    );
  }
}

/**
 * Whether the set's answers are exact for the markers: the set treats a comparison it cannot
 * say as a range or a value (`'x' in sys_platform`, `platform_release >= '5'`) as a question of
 * its own (one question with its opposite, `not in`, `<`), independent of every other, so where
 * `'x' in sys_platform` meets `sys_platform == …`, or two different comparisons of
 * `platform_release` meet, it may hold environments that do not exist.
 */
function gridIsExhaustive(...texts: string[]): boolean {
  const joined = texts.join(" ");
  if (/'x' (not )?in sys_platform/.test(joined) && /sys_platform (==|!=)/.test(joined)) {
    return false;
  }
  const releases = new Set(
    [...joined.matchAll(/platform_release (>=|<=|==|!=|~=|<|>) '([\d.]+)'/g)].map(
      ([, operator, value]) =>
        `${{ "<": ">=", "<=": ">", "!=": "==" }[operator!] ?? operator} ${value}`,
    ),
  );
  return releases.size <= 1;
}

const parsed = MARKERS.map((text) => {
  const tree = MarkerTree.parse(text);
  return { text, tree, set: MarkerSet.from(tree), truth: truth(tree) };
});

describe("MarkerSet on random markers", () => {
  test("the generator writes varied markers", () => {
    const sets = parsed.map((p) => p.set);
    assert.ok(sets.some((s) => s.isTrue()) || sets.some((s) => !s.isFalse()));
    assert.ok(sets.filter((s) => !s.isTrue() && !s.isFalse()).length > 200);
  });

  test("MarkerSet.from means what the marker means", () => {
    for (const p of parsed) assertAgrees(p.set, p.truth, p.text);
  });

  test("and, or and not are exact", () => {
    for (let i = 0; i < parsed.length; i += 2) {
      const a = parsed[i]!;
      const b = parsed[(i * 7 + 3) % parsed.length]!;
      assertAgrees(
        a.set.and(b.set),
        a.truth.map((x, j) => x && b.truth[j]!),
        `(${a.text}) and (${b.text})`,
      );
      assertAgrees(
        a.set.or(b.set),
        a.truth.map((x, j) => x || b.truth[j]!),
        `(${a.text}) or (${b.text})`,
      );
      assertAgrees(
        a.set.not(),
        a.truth.map((x) => !x),
        `not (${a.text})`,
      );
      assert.ok(a.set.and(a.set.not()).isFalse());
      assert.ok(a.set.or(a.set.not()).isTrue());
    }
  });

  test("toString parses back to the same set", () => {
    for (const p of parsed) {
      const printed = p.set.toString();
      const back = printed === "" ? MarkerSet.TRUE : MarkerSet.parse(printed);
      assert.ok(back.equals(p.set), `${p.text} printed as ${printed}`);
      if (printed !== "") assertAgrees(p.set, truth(MarkerTree.parse(printed)), printed);
      // And the combinations print as well as the markers.
      const negated = p.set.not().toString();
      const negatedBack = negated === "" ? MarkerSet.TRUE : MarkerSet.parse(negated);
      assert.ok(negatedBack.equals(p.set.not()), `not (${p.text}) printed as ${negated}`);
    }
  });

  test("isDisjoint and isSubsetOf say what the grid says", () => {
    let checked = 0;
    for (let i = 0; i < parsed.length; i++) {
      for (const j of [(i + 1) % parsed.length, (i * 13 + 5) % parsed.length]) {
        const a = parsed[i]!;
        const b = parsed[j]!;
        const disjoint = a.truth.every((x, k) => !(x && b.truth[k]!));
        const subset = a.truth.every((x, k) => !x || b.truth[k]!);
        if (gridIsExhaustive(a.text, b.text)) {
          assert.equal(a.set.isDisjoint(b.set), disjoint, `disjoint: ${a.text} / ${b.text}`);
          assert.equal(a.set.isSubsetOf(b.set), subset, `subset: ${a.text} / ${b.text}`);
          checked++;
        } else {
          // The set may hold environments that do not exist, never miss one that does.
          if (a.set.isDisjoint(b.set)) assert.ok(disjoint, `disjoint: ${a.text} / ${b.text}`);
          if (a.set.isSubsetOf(b.set)) assert.ok(subset, `subset: ${a.text} / ${b.text}`);
        }
        // A set is within itself and within its union with anything, never disjoint from it.
        assert.ok(a.set.isSubsetOf(a.set.or(b.set)));
        assert.ok(a.set.and(b.set).isSubsetOf(b.set));
        assert.ok(a.set.isDisjoint(a.set.not()));
      }
    }
    assert.ok(checked > 150, `only ${checked} pairs checked exactly`);
  });
});

describe("MarkerSet prints large markers in reasonable time", () => {
  const platforms = Array.from({ length: 40 }, (_, i) => `platform${String(i).padStart(2, "0")}`);

  test("an or of 40 platforms", () => {
    const text = platforms.map((p) => `sys_platform == '${p}'`).join(" or ");
    const set = MarkerSet.parse(text);
    const printed = set.toString();
    assert.equal(printed, text);
    assert.ok(MarkerSet.parse(printed).equals(set));
  });

  test("an and of 15 exclusions", () => {
    const text = platforms
      .slice(0, 15)
      .map((p) => `sys_platform != '${p}'`)
      .join(" and ");
    const set = MarkerSet.parse(text);
    assert.equal(set.toString(), text);
    assert.equal(set.not().toString(), text.replaceAll("!=", "==").replaceAll(" and ", " or "));
  });

  test("an or of 40 platforms each with its own Python bound", () => {
    const text = platforms
      .map((p, i) => `(sys_platform == '${p}' and python_full_version >= '3.${i}')`)
      .join(" or ");
    const set = MarkerSet.parse(text);
    const printed = set.toString();
    assert.ok(MarkerSet.parse(printed).equals(set));
  });
});
