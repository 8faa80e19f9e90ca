import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Version, VersionSpecifier, VersionSpecifiers } from "../../src/pep440/index.ts";
import { PuffinError } from "../../src/support/index.ts";
import specifiers from "../corpora/packaging/specifiers.json" with { type: "json" };

/**
 * Corpus cases deliberately not followed.
 *
 * - `===` with a string that is not a PEP 440 version (`===foobar`): Puffin, like uv, rejects
 *   it at parse time. Candidates are always parsed `Version`s (files whose version does not parse
 *   are skipped, as uv and pip do), so such a specifier could never match anything.
 * - `contains` with a candidate that is not a PEP 440 version (`"not a valid version"`,
 *   `"foobar"`): `contains` takes a `Version`; the test checks the candidate does not parse.
 * - `filter` and `installed_prereleases`: `packaging`'s pre-release *policy* (hide pre-releases
 *   unless the specifier names one, nothing else matches, or the version is installed). Puffin
 *   keeps membership pure, as uv does, and applies its pre-release policy in the resolver from
 *   `anyPrerelease()`; the `pep440` field of `contains` cases is what membership must answer.
 */
function isNonVersionArbitrary(specifier: string): boolean {
  return specifier
    .split(",")
    .some((s) => s.trim().startsWith("===") && Version.tryParse(s.trim().slice(3)) === undefined);
}

const isInvalidSpecifier = (error: unknown) =>
  error instanceof PuffinError && error.code === "invalid-specifier";

describe("VersionSpecifier parsing", () => {
  test("valid specifiers from pypa/packaging: operator, version text, printing", () => {
    let checked = 0;
    for (const c of specifiers.valid) {
      if (isNonVersionArbitrary(c.input)) continue;
      const s = VersionSpecifier.parse(c.input);
      assert.equal(s.operator, c.operator, c.input);
      assert.equal(s.raw, c.version, c.input);
      assert.equal(s.wildcard, c.version.endsWith(".*"), c.input);
      assert.equal(s.toString(), c.str, c.input);
      assert.equal(s.anyPrerelease(), c.prereleases, c.input);
      checked++;
    }
    assert.ok(checked > 600);
  });

  test("invalid specifiers from pypa/packaging are rejected", () => {
    for (const input of specifiers.invalid) {
      assert.throws(() => VersionSpecifier.parse(input), isInvalidSpecifier, input);
    }
  });

  test("the version of a specifier is parsed; a prefix keeps only its release", () => {
    const s = VersionSpecifier.parse("== 1!2.3.*");
    assert.equal(s.version.toString(), "1!2.3");
    assert.equal(s.wildcard, true);
    assert.equal(VersionSpecifier.parse(">=v1.0-ALPHA").version.toString(), "1.0a0");
  });

  test("operator-specific rules are rejected with a hint", () => {
    const cases = [
      ["~=1", /two release segments/],
      ["<=1.*", /only allowed with `==` and `!=`/],
      ["==1.0+local.*", /only release numbers/],
      [">=1.0+local", /local version/],
      ["2.0", /starts with an operator/],
      ["== 1.0 .*", undefined],
      ["==1.0\x1c.*", undefined],
      ["===foobar", undefined],
      ["===", undefined],
    ] as const;
    for (const [input, hint] of cases) {
      assert.throws(
        () => VersionSpecifier.parse(input),
        (error: unknown) =>
          isInvalidSpecifier(error) &&
          (hint === undefined || hint.test((error as PuffinError).hint ?? "")),
        input,
      );
    }
  });

  test("specifier strings from pypa/packaging print back", () => {
    for (const c of specifiers.str) {
      const printed =
        c.kind === "Specifier"
          ? VersionSpecifier.parse(c.input).toString()
          : VersionSpecifiers.parse(c.input).toString();
      assert.equal(printed, c.str, c.input);
    }
  });

  test("harvested specifier-set literals: sorted, deduplicated printing", () => {
    for (const c of specifiers.harvested_literals) {
      assert.equal(c.valid, true);
      assert.equal(VersionSpecifiers.parse(c.input).toString(), c.str, c.input);
    }
  });

  test("empty clauses are skipped and an empty set allows everything", () => {
    const set = VersionSpecifiers.parse(" >=1.0 ,  ,<2");
    assert.equal(set.specifiers.length, 2);
    assert.equal(set.toString(), "<2,>=1.0");
    const any = VersionSpecifiers.parse("");
    assert.equal(any.isEmpty(), true);
    assert.equal(any.contains(Version.parse("0.dev0")), true);
    assert.throws(() => VersionSpecifiers.parse(">=1.0,foo"), isInvalidSpecifier);
  });
});

describe("VersionSpecifier equality", () => {
  test("equality cases from pypa/packaging (== and != of specifiers and sets)", () => {
    for (const c of specifiers.equality) {
      const equal =
        c.kind === "Specifier"
          ? VersionSpecifier.parse(c.left).equals(VersionSpecifier.parse(c.right))
          : VersionSpecifiers.parse(c.left).equals(VersionSpecifiers.parse(c.right));
      assert.equal(c.op === "eq" ? equal : !equal, c.expected, `${c.left} ${c.op} ${c.right}`);
    }
  });

  test("trailing zeros do not matter, except for ~=", () => {
    const spec = (s: string) => VersionSpecifier.parse(s);
    assert.ok(spec("==1.2.3").equals(spec("== 1.2.3.0")));
    assert.ok(spec(">=2").equals(spec(">=2.0.0")));
    assert.ok(!spec("~=2.0").equals(spec("~=2.0.0")));
    assert.ok(!spec("==1.0").equals(spec("!=1.0")));
    assert.ok(VersionSpecifiers.parse(">1.0.0,>1.0").equals(VersionSpecifiers.parse(">1")));
  });
});

describe("VersionSpecifier membership", () => {
  test("contains cases from pypa/packaging: pure PEP 440 membership (the pep440 field)", () => {
    let checked = 0;
    for (const c of specifiers.contains) {
      const label = `${c.version} in ${c.specifier}`;
      if (isNonVersionArbitrary(c.specifier)) continue;
      const version = Version.tryParse(c.version);
      if (version === undefined) {
        assert.equal(c.pep440, false, label);
        continue;
      }
      const contained = c.set
        ? VersionSpecifiers.parse(c.specifier).contains(version)
        : VersionSpecifier.parse(c.specifier).contains(version);
      assert.equal(contained, c.pep440, label);
      checked++;
    }
    assert.ok(checked > 500);
  });

  test("exclusive ordering and local versions", () => {
    const cases: [string, string, boolean][] = [
      [">1.7", "1.7.1", true],
      [">1.7", "1.7.0.post1", false],
      [">1.7", "1.7+local", false],
      [">1.7.post2", "1.7.post3", true],
      [">1.7.post2", "1.7.post2+local", false],
      [">1.7a1", "1.7a1.post1", false],
      [">1.7a1", "1.7a2.dev0", true],
      ["<1.7", "1.7rc1", false],
      ["<1.7", "1.6.99", true],
      ["<1.7", "1.6+local", true],
      ["<1.7rc1", "1.7b1", true],
      ["<1.7.post1", "1.7.post1.dev0", false],
      ["<1.7.post1", "1.7+local", true],
      ["<=1.7", "1.7+local", true],
      ["==1.7", "1.7+local", true],
      ["==1.7+local", "1.7", false],
      ["==1.7+local", "1.7.0+local", true],
      ["!=1.7", "1.7+local", false],
      ["==1.*", "1.0rc1", true],
      ["==1.*", "1!1.0", false],
      ["!=1.*", "2.0.dev0", true],
      ["~=1.4.2", "1.4.10", true],
      ["~=1.4.2", "1.5.dev0", false],
      ["~=1.4.2", "1.4.2+local", true],
      ["===1.0", "1.0.0", false],
      ["===1.0", "1.0", true],
      // ~= reads the parsed version, per PEP 440 (~=2.3rc1 is >=2.3rc1, ==2.*). packaging 26.2
      // splits the written text instead and answers false for these spellings.
      ["~=2.3c1", "2.10", true],
      ["~=V0.3", "0.7.post3", true],
      ["~=1.0-0.DEV3", "1.3.0", true],
    ];
    for (const [specifier, version, expected] of cases) {
      const s = VersionSpecifier.parse(specifier);
      assert.equal(s.contains(Version.parse(version)), expected, `${version} in ${specifier}`);
    }
  });
});

describe("VersionSpecifiers pre-release detection", () => {
  test("prerelease_detection cases from pypa/packaging", () => {
    for (const c of specifiers.prerelease_detection) {
      assert.equal(
        VersionSpecifiers.parse(c.specifier).anyPrerelease(),
        c.implies_prereleases,
        c.specifier,
      );
    }
  });

  test("a set names a pre-release when any of its specifiers does", () => {
    assert.equal(VersionSpecifiers.parse(">=1.0,<2.0b1").anyPrerelease(), true);
    assert.equal(VersionSpecifiers.parse(">=1.0,!=2.0b1").anyPrerelease(), false);
    assert.equal(VersionSpecifiers.parse("").anyPrerelease(), false);
  });
});
