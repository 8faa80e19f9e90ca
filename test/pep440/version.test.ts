import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { compareVersions, Version } from "../../src/pep440/index.ts";
import { PuffinError } from "../../src/support/index.ts";
import versions from "../corpora/packaging/versions.json" with { type: "json" };

const v = (s: string) => Version.parse(s);

/** Asserts that `list` is strictly ascending under every comparison, for every pair. */
function assertStrictlyAscending(list: readonly string[]): void {
  const parsed = list.map(v);
  for (let i = 0; i < parsed.length; i++) {
    for (let j = 0; j < parsed.length; j++) {
      const a = parsed[i]!;
      const b = parsed[j]!;
      const c = a.compare(b);
      const label = `${list[i]} vs ${list[j]}`;
      assert.equal(Math.sign(c), Math.sign(i - j), label);
      assert.equal(a.equals(b), i === j, label);
      assert.equal(compareVersions(a, b), c, label);
    }
  }
}

describe("Version ordering", () => {
  test("ordered_ascending from pypa/packaging: every pair under <, <=, ==, !=, >=, >", () => {
    assertStrictlyAscending(versions.ordered_ascending);
  });

  test("sorting a shuffled copy restores the order", () => {
    const shuffled = [...versions.ordered_ascending].reverse().map(v);
    shuffled.sort(compareVersions);
    assert.deepEqual(
      shuffled.map((x) => x.toString()),
      versions.ordered_ascending.map((s) => v(s).toString()),
    );
  });

  test("trailing zeros do not count, spellings do not count", () => {
    const equal = [
      ["1.0", "1.0.0.0"],
      ["1", "1.0"],
      ["1.0a1", "1.0.0-alpha.1"],
      ["1.0-1", "1.0.post1"],
      ["0!1.0", "1.0"],
      ["1.0+01", "1.0+1"],
      ["1.0+ABC", "1.0+abc"],
      ["1.0.0.0.0.0.0+a-1", "1+a.1"],
    ];
    for (const [a, b] of equal) assert.equal(v(a!).compare(v(b!)), 0, `${a} == ${b}`);
  });

  test("local labels: none first, strings before numbers, numbers numerically, prefixes first", () => {
    assertStrictlyAscending([
      "1.0",
      "1.0+a",
      "1.0+a.1",
      "1.0+b",
      "1.0+z9",
      "1.0+0",
      "1.0+0.a",
      "1.0+0.0",
      "1.0+2",
      "1.0+10",
      "1.0+99999999999999999999",
      "1.0+100000000000000000000",
      "1.0.post0.dev0",
    ]);
  });

  test("the packed fast path agrees with the full comparison across its limits", () => {
    // Each line crosses a packing limit (release 2^25 / 2^14 / 2^12, pre 2^10, post 4094,
    // dev 65535), so packed and unpacked versions are compared with each other.
    assertStrictlyAscending([
      "0.dev0",
      "0",
      "1.2.3.4095",
      "1.2.3.4096",
      "1.2.3.4096.1",
      "1.2.16383",
      "1.2.16384",
      "1.16383",
      "1.16384",
      "20260107",
      "33554431",
      "33554432",
      "33554432.0.0.1",
      "33554432.0.1",
    ]);
    assertStrictlyAscending(["2.0a1023", "2.0a1024", "2.0b0"]);
    assertStrictlyAscending(["3.0.post4092", "3.0.post4093", "3.0.post4094", "3.0.post4095"]);
    assertStrictlyAscending(["4.0.dev65534", "4.0.dev65535", "4.0.dev65536", "4.0a0"]);
    assertStrictlyAscending(["5.0", "5.0+local", "5.0.post0.dev0", "1!0.dev0", "1!5.0"]);
  });

  test("numbers beyond 2^53 keep their exact value in order and in print", () => {
    assertStrictlyAscending([
      "9007199254740992",
      "9007199254740993",
      "9007199254740993.post18446744073709551615",
      "9007199254740993.post18446744073709551616",
      "18446744073709551616",
      "18446744073709551616!0",
      "18446744073709551617!0",
    ]);
    assert.equal(v("1.0.dev0123456789012345678901").toString(), "1.0.dev123456789012345678901");
    assert.equal(v("1+000018446744073709551617").toString(), "1+18446744073709551617");
    assert.equal(v("9007199254740993").release[0], 9007199254740992); // the nearest double
  });
});

describe("Version parsing", () => {
  test("invalid versions from pypa/packaging are rejected", () => {
    for (const input of versions.invalid) {
      assert.equal(Version.tryParse(input), undefined, JSON.stringify(input.slice(0, 40)));
      assert.throws(
        () => Version.parse(input),
        (error: unknown) => error instanceof PuffinError && error.code === "invalid-version",
      );
    }
  });

  test("normalized forms from pypa/packaging", () => {
    for (const [input, expected] of versions.normalized) {
      assert.equal(v(input!).toString(), expected, JSON.stringify(input));
    }
  });

  test("components of every version literal in pypa/packaging's test suite", () => {
    for (const c of versions.components) {
      const parsed = Version.tryParse(c.input);
      assert.equal(parsed !== undefined, c.valid, c.input);
      if (parsed === undefined || !c.valid) continue;
      assert.equal(parsed.toString(), c.normalized, c.input);
      assert.equal(parsed.epoch, c.epoch, c.input);
      assert.deepEqual(parsed.release, c.release, c.input);
      assert.deepEqual(
        parsed.pre === undefined ? null : [parsed.pre.kind, parsed.pre.number],
        c.pre,
        c.input,
      );
      assert.equal(parsed.post ?? null, c.post, c.input);
      assert.equal(parsed.dev ?? null, c.dev, c.input);
      assert.equal(parsed.isLocal() ? parsed.local.join(".") : null, c.local ?? null, c.input);
      assert.equal(parsed.withoutLocal().toString(), c.public, c.input);
      assert.equal(
        Version.fromParts({ epoch: parsed.epoch, release: parsed.release }).toString(),
        c.base_version,
        c.input,
      );
      assert.equal(parsed.isPrerelease(), c.is_prerelease, c.input);
      assert.equal(parsed.isPostrelease(), c.is_postrelease, c.input);
      assert.equal(parsed.isDevrelease(), c.is_devrelease, c.input);
    }
  });

  test("separators, labels and implicit numbers", () => {
    const cases = [
      ["1.0a-", "1.0a0"],
      ["1.0.post.", "1.0.post0"],
      ["1.0-r", "1.0.post0"],
      ["1.0post-1", "1.0.post1"],
      ["1.0a.dev1", "1.0a0.dev1"],
      ["1.0-dev-1", "1.0.dev1"],
      ["1.0r1-dev", "1.0.post1.dev0"],
      ["1.0a1-1", "1.0a1.post1"],
      ["1.0-0", "1.0.post0"],
      ["1.0preview1", "1.0rc1"],
      ["1.0alpha_1", "1.0a1"],
      ["V1!1.0", "1!1.0"],
      ["1.0+a_b-c", "1.0+a.b.c"],
      ["1.0+01.ab-00", "1.0+1.ab.0"],
      ["1.0\x1c", "1.0"],
      ["\x851.0", "1.0"],
    ];
    for (const [input, expected] of cases) {
      assert.equal(v(input!).toString(), expected, JSON.stringify(input));
    }
    const invalid = ["1.0-", "1.0-1-1", "1.0.-1", "1.0_1", "1.0a1.1", "1!v1.0", "1.0.dev0-1"];
    for (const input of [...invalid, "\ufeff1.0", "1.0.alpha-.1", "", "v", "1!", "+1"]) {
      assert.equal(Version.tryParse(input), undefined, JSON.stringify(input));
    }
  });

  test("MIN is the smallest version", () => {
    assert.equal(Version.MIN.toString(), "0.dev0");
    for (const s of versions.ordered_ascending) assert.ok(Version.MIN.compare(v(s)) < 0, s);
  });

  test("fromParts validates its numbers and local segments", () => {
    assert.equal(
      Version.fromParts({
        epoch: 2,
        release: [1, 0],
        pre: { kind: "rc", number: 1 },
        post: 3,
        dev: 4,
        local: ["Ubuntu", 7, "007"],
      }).toString(),
      "2!1.0rc1.post3.dev4+ubuntu.7.7",
    );
    for (const bad of [
      { release: [] },
      { release: [-1] },
      { release: [1.5] },
      { release: [1], local: ["a-b"] },
    ]) {
      assert.throws(() => Version.fromParts(bad), /Not a valid|at least one/);
    }
  });
});
