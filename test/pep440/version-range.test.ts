import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  Version,
  VersionRange,
  VersionSpecifier,
  VersionSpecifiers,
} from "../../src/pep440/index.ts";
import specifiers from "../corpora/packaging/specifiers.json" with { type: "json" };
import versions from "../corpora/packaging/versions.json" with { type: "json" };

/**
 * Corpus cases deliberately not followed: specifier sets with `===` and a non-version string
 * (`===foobar`), which Puffin rejects at parse time (see version-specifier.test.ts), and the
 * `*_prereleases_false` lists of `unsatisfiable`, which ask whether a set matches any
 * *final* release: that is pre-release policy, applied by the resolver, and "no pre-releases" is
 * not a finite union of intervals.
 */
const parses = (s: string) => {
  try {
    VersionSpecifiers.parse(s);
    return true;
  } catch {
    return false;
  }
};

const rangeOf = (s: string) => VersionRange.fromSpecifiers(VersionSpecifiers.parse(s));
const v = (s: string) => Version.parse(s);

/** Every specifier text in the corpus that Puffin parses. */
const corpusSpecifiers = [
  ...new Set([
    ...specifiers.valid.map((c) => c.input),
    ...specifiers.contains.map((c) => c.specifier),
    ...specifiers.unsatisfiable.satisfiable,
    ...specifiers.unsatisfiable.unsatisfiable,
  ]),
].filter(parses);

/** Corpus versions plus the neighbours of every version named in a corpus specifier. */
const sampleVersions: Version[] = (() => {
  const texts = new Set<string>([
    ...versions.ordered_ascending,
    ...specifiers.contains.map((c) => c.version),
  ]);
  for (const s of corpusSpecifiers) {
    for (const specifier of VersionSpecifiers.parse(s).specifiers) {
      const base = specifier.version.toString();
      const release = specifier.version.withoutLocal().toString();
      for (const suffix of ["", ".0", ".1", "+local", ".post0", ".post1", ".dev0", "a1", "rc1"]) {
        texts.add(base + suffix);
        texts.add(release + suffix);
      }
      const next = [...specifier.version.release];
      next[next.length - 1]! += 1;
      texts.add(next.join("."));
      texts.add(`${next.join(".")}.dev0`);
    }
  }
  return [...texts].flatMap((t) => Version.tryParse(t) ?? []);
})();

describe("VersionRange from specifiers", () => {
  test("unsatisfiable and satisfiable sets from pypa/packaging (is_unsatisfiable)", () => {
    for (const s of specifiers.unsatisfiable.satisfiable.filter(parses)) {
      assert.equal(rangeOf(s).isEmpty(), false, s);
    }
    for (const s of specifiers.unsatisfiable.unsatisfiable.filter(parses)) {
      assert.equal(rangeOf(s).isEmpty(), true, s);
    }
  });

  test("a range holds exactly the versions its specifiers contain (=== only as a superset)", () => {
    let checked = 0;
    for (const s of corpusSpecifiers) {
      const set = VersionSpecifiers.parse(s);
      const range = VersionRange.fromSpecifiers(set);
      const exact = !set.specifiers.some((x) => x.operator === "===");
      for (const version of sampleVersions) {
        const contained = set.contains(version);
        if (exact) assert.equal(range.contains(version), contained, `${version} in ${s}`);
        else if (contained) assert.ok(range.contains(version), `${version} in ${s}`);
        checked++;
      }
    }
    assert.ok(checked > 100_000);
  });

  test("=== ranges over-approximate by versions that sort equal but print differently", () => {
    const range = rangeOf("===1.0");
    const specifier = VersionSpecifier.parse("===1.0");
    assert.equal(range.contains(v("1.0.0")), true);
    assert.equal(specifier.contains(v("1.0.0")), false);
    assert.equal(range.contains(v("1.0+local")), false);
  });

  test("bounds follow PEP 440's exclusive ordering and local-version rules", () => {
    const cases = [
      [">1.0", ">1.0.post*"],
      [">1.0a1", ">=1.0a2.dev0"],
      [">1.0.post2", ">=1.0.post3.dev0"],
      [">1.0.dev2", ">=1.0.dev3"],
      ["<2.0", "<2.0.dev0"],
      ["<2.0rc1", "<2.0rc1"],
      ["<=1.0", "<1.0.post0.dev0"],
      ["==1.0", "==1.0"],
      ["==1.0+abc", "==1.0+abc"],
      ["!=1.5", "<1.5 | >=1.5.post0.dev0"],
      ["==1.2.*", ">=1.2.dev0, <1.3.dev0"],
      ["!=1.2.*", "<1.2.dev0 | >=1.3.dev0"],
      ["~=1.4.2", ">=1.4.2, <1.5.dev0"],
      ["~=1!2.2", ">=1!2.2, <1!3.dev0"],
      ["===1.0", ">=1.0, <=1.0"],
      [">=1.0,<2.0,!=1.5.*", ">=1.0, <1.5.dev0 | >=1.6.dev0, <2.0.dev0"],
      ["", "*"],
      [">=0.dev0", "*"],
      ["<0", "∅"],
      [">=2,<1", "∅"],
    ];
    for (const [specifier, printed] of cases) assert.equal(rangeOf(specifier!).toString(), printed);
  });

  test("equal sets have equal ranges however they are written", () => {
    const same = [
      [">=1.0,<=1.0", "==1.0"],
      ["<1.0.post0", "<=1.0"],
      ["~=1.4.2", ">=1.4.2,==1.4.*"],
      ["!=1.0,!=1.0.0", "!=1"],
      [">=0.dev0,<5", "<5"],
      ["==1.*,!=1.5.*", ">=1.0.dev0,!=1.5.*,<2.dev0"],
    ];
    for (const [a, b] of same) assert.ok(rangeOf(a!).equals(rangeOf(b!)), `${a} = ${b}`);
    assert.ok(!rangeOf(">1.0").equals(rangeOf(">=1.0")));
  });

  test("numbers beyond 2^53 get exact neighbours", () => {
    const range = rangeOf("==9007199254740993.*");
    assert.equal(range.toString(), ">=9007199254740993.dev0, <9007199254740994.dev0");
    assert.equal(range.contains(v("9007199254740992")), false);
    assert.equal(range.contains(v("9007199254740993.5")), true);
  });
});

describe("VersionRange algebra", () => {
  const ranges = corpusSpecifiers.filter((_, i) => i % 12 === 0).map(rangeOf);
  ranges.push(VersionRange.empty(), VersionRange.full(), VersionRange.singleton(v("1.0")));
  const points = sampleVersions.filter((_, i) => i % 10 === 0);

  test("union, intersection and complement agree with membership", () => {
    for (const a of ranges) {
      const not = a.complement();
      for (const x of points) assert.equal(not.contains(x), !a.contains(x), `${x} in ¬(${a})`);
      for (const b of ranges) {
        const union = a.union(b);
        const both = a.intersection(b);
        for (const x of points) {
          assert.equal(union.contains(x), a.contains(x) || b.contains(x), `${x} in ${a} ∪ ${b}`);
          assert.equal(both.contains(x), a.contains(x) && b.contains(x), `${x} in ${a} ∩ ${b}`);
        }
      }
    }
  });

  test("set laws hold structurally (the representation is canonical)", () => {
    const full = VersionRange.full();
    const empty = VersionRange.empty();
    for (const a of ranges) {
      assert.ok(a.complement().complement().equals(a), `¬¬${a}`);
      assert.ok(a.union(a.complement()).equals(full), `${a} ∪ ¬`);
      assert.ok(a.intersection(a.complement()).equals(empty), `${a} ∩ ¬`);
      assert.ok(a.union(empty).equals(a) && a.intersection(full).equals(a));
      for (const b of ranges) {
        assert.ok(a.union(b).equals(b.union(a)), `${a} ∪ ${b}`);
        assert.ok(a.intersection(b).equals(b.intersection(a)), `${a} ∩ ${b}`);
        assert.ok(
          a.union(b).complement().equals(a.complement().intersection(b.complement())),
          `De Morgan ${a}, ${b}`,
        );
        assert.ok(a.intersection(b).isSubsetOf(a), `${a} ∩ ${b} ⊆ ${a}`);
        assert.equal(a.isDisjoint(b), a.intersection(b).isEmpty());
      }
    }
  });

  test("constructors", () => {
    const one = v("1.0");
    assert.equal(VersionRange.singleton(one).contains(v("1.0.0")), true);
    assert.equal(VersionRange.singleton(one).contains(v("1.0+local")), false);
    assert.equal(VersionRange.higherThan(one).contains(one), true);
    assert.equal(VersionRange.strictlyHigherThan(one).contains(one), false);
    assert.equal(VersionRange.strictlyHigherThan(one).contains(v("1.0.post1")), true);
    assert.equal(VersionRange.lowerThan(one).contains(v("1.0+local")), false);
    assert.equal(VersionRange.strictlyLowerThan(one).contains(v("1.0rc1")), true);
    assert.equal(VersionRange.between(one, v("2.0")).toString(), ">=1.0, <2.0");
    assert.equal(VersionRange.strictlyLowerThan(Version.MIN).isEmpty(), true);
    assert.equal(VersionRange.higherThan(Version.MIN).isFull(), true);
    assert.equal(VersionRange.lowerThan(Version.MIN).toString(), "<=0.dev0");
  });

  test("withoutUpperBounds keeps the lowest bound and drops every upper bound and gap", () => {
    const cases: [string, string][] = [
      [">=3.8,<4", ">=3.8"],
      [">3.8,<=3.10", ">3.8.post*"],
      ["==3.10.*", ">=3.10.dev0"],
      ["!=3.0.*,!=3.1.*,>=2.7", ">=2.7"],
      ["<3.12", "*"],
      ["", "*"],
      ["<3,>4", "∅"],
    ];
    for (const [specifiers, expected] of cases) {
      assert.equal(rangeOf(specifiers).withoutUpperBounds().toString(), expected, specifiers);
    }
  });
});
