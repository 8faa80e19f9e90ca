// The marker algebra of universal resolution: `MarkerSet` must mean exactly what the marker
// means (checked against `MarkerTree.evaluate` over a grid of environments), its algebra must be
// exact, and what it prints must parse back to the same set.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { Version, VersionRange } from "../../src/pep440/index.ts";
import {
  type MarkerEnvironment,
  MarkerSet,
  MarkerTree,
  possibleEnvironments,
} from "../../src/pep508/index.ts";

const BASE: MarkerEnvironment = {
  implementation_name: "cpython",
  implementation_version: "3.12.1",
  os_name: "posix",
  platform_machine: "x86_64",
  platform_python_implementation: "CPython",
  platform_release: "6.1.0",
  platform_system: "Linux",
  platform_version: "#1 SMP",
  python_full_version: "3.12.1",
  python_version: "3.12",
  sys_platform: "linux",
};

/** Environments across platforms, implementations and Python versions. */
function grid(): MarkerEnvironment[] {
  const platforms = [
    { sys_platform: "linux", platform_system: "Linux", os_name: "posix" },
    { sys_platform: "darwin", platform_system: "Darwin", os_name: "posix" },
    { sys_platform: "win32", platform_system: "Windows", os_name: "nt" },
  ];
  const implementations = [
    { implementation_name: "cpython", platform_python_implementation: "CPython" },
    { implementation_name: "pypy", platform_python_implementation: "PyPy" },
  ];
  const pythons = ["3.7.0", "3.8.0", "3.8.10", "3.9.0", "3.9.1", "3.10.4", "3.12.0", "3.13.1"];
  const machines = ["x86_64", "arm64"];
  const result: MarkerEnvironment[] = [];
  for (const platform of platforms) {
    for (const implementation of implementations) {
      for (const full of pythons) {
        for (const machine of machines) {
          const [major, minor] = full.split(".");
          result.push({
            ...BASE,
            ...platform,
            ...implementation,
            platform_machine: machine,
            python_full_version: full,
            python_version: `${major}.${minor}`,
          });
        }
      }
    }
  }
  return result;
}

const ENVIRONMENTS = grid();
const MARKERS = [
  "sys_platform == 'linux'",
  "sys_platform != 'linux' and sys_platform != 'darwin'",
  "python_version >= '3.9'",
  "python_version < '3.10' or implementation_name == 'pypy'",
  "python_version <= '3.9' and platform_machine == 'arm64'",
  "python_version > '3.8'",
  "python_version == '3.8'",
  "python_version != '3.12'",
  "python_full_version >= '3.9.1'",
  "python_full_version == '3.8.10'",
  "python_version == '3.*'",
  "python_version ~= '3.9'",
  "python_version < '3.9.0'",
  "python_version < '3.9.1'",
  "python_version >= '3.10.2'",
  "python_version == '3.8.10'",
  "'3.10' <= python_version",
  "'linux' in sys_platform",
  "'lin' not in sys_platform or os_name == 'nt'",
  "platform_release >= '6'",
  "(sys_platform == 'darwin' or sys_platform == 'linux') and python_version < '3.12'",
  "implementation_name == 'cpython' and (platform_machine == 'x86_64' or python_version >= '3.13')",
];

function agrees(set: MarkerSet, tree: MarkerTree, label: string): void {
  for (const env of ENVIRONMENTS) {
    assert.equal(set.evaluate(env), tree.evaluate(env, []), `${label} in ${JSON.stringify(env)}`);
  }
}

describe("MarkerSet", () => {
  test("means what the marker means", () => {
    for (const text of MARKERS) agrees(MarkerSet.parse(text), MarkerTree.parse(text), text);
  });

  test("and, or and not are exact", () => {
    for (const a of MARKERS) {
      for (const b of MARKERS) {
        const x = MarkerSet.parse(a);
        const y = MarkerSet.parse(b);
        const both = MarkerTree.parse(`(${a}) and (${b})`);
        const either = MarkerTree.parse(`(${a}) or (${b})`);
        agrees(x.and(y), both, `${a} AND ${b}`);
        agrees(x.or(y), either, `${a} OR ${b}`);
        for (const env of ENVIRONMENTS) assert.equal(x.not().evaluate(env), !x.evaluate(env));
      }
    }
  });

  test("prints a marker that means the same set", () => {
    for (const text of MARKERS) {
      const set = MarkerSet.parse(text);
      const printed = set.toString();
      assert.ok(MarkerSet.parse(printed).equals(set), `${text} printed as ${printed}`);
      agrees(set, MarkerTree.parse(printed), printed);
    }
  });

  test("prints minor bounds with python_version and patch bounds with python_full_version", () => {
    assert.equal(MarkerSet.parse("python_version >= '3.9'").toString(), "python_version >= '3.9'");
    assert.equal(MarkerSet.parse("python_version <= '3.9'").toString(), "python_version < '3.10'");
    assert.equal(
      MarkerSet.parse("python_full_version >= '3.9.1'").toString(),
      "python_full_version >= '3.9.1'",
    );
    assert.equal(MarkerSet.parse("python_version == '3.9'").toString(), "python_version == '3.9'");
  });

  test("knows empty, complementary and contained sets", () => {
    const linux = MarkerSet.parse("sys_platform == 'linux'");
    const darwin = MarkerSet.parse("sys_platform == 'darwin'");
    assert.ok(linux.isDisjoint(darwin));
    assert.ok(linux.or(linux.not()).isTrue());
    assert.ok(linux.and(linux.not()).isFalse());
    assert.ok(MarkerSet.parse("python_version >= '3.9' and python_full_version < '3.9'").isFalse());
    assert.ok(
      MarkerSet.parse("python_version >= '3.10'").isSubsetOf(
        MarkerSet.parse("python_version > '3.8'"),
      ),
    );
    assert.ok(!linux.isSubsetOf(darwin));
    assert.ok(MarkerSet.parse("sys_platform == 'linux' or sys_platform != 'linux'").isTrue());
  });

  test("drops what requires-python implies", () => {
    const python = VersionRange.higherThan(Version.parse("3.9"));
    assert.equal(MarkerSet.parse("python_version >= '3.8'").simplifyPython(python).toString(), "");
    assert.equal(
      MarkerSet.parse("python_version >= '3.8' and python_version < '3.11'")
        .simplifyPython(python)
        .toString(),
      "python_version < '3.11'",
    );
    assert.equal(
      MarkerSet.parse("sys_platform == 'linux' and python_version >= '3.10'")
        .simplifyPython(python)
        .toString(),
      "python_version >= '3.10' and sys_platform == 'linux'",
    );
  });

  test("fixes the extra", () => {
    const marker = MarkerSet.parse(
      "extra == 'socks' and sys_platform == 'linux' or python_version < '3.9'",
    );
    assert.equal(
      marker.withExtra("socks").toString(),
      "python_version < '3.9' or sys_platform == 'linux'",
    );
    assert.equal(marker.withExtra(undefined).toString(), "python_version < '3.9'");
  });

  test("a comparison and its opposite are one question, so they are disjoint and cover", () => {
    for (const [yes, no] of [
      ["'x' in sys_platform", "'x' not in sys_platform"],
      ["platform_release >= '5'", "platform_release < '5'"],
      ["platform_release > '5'", "platform_release <= '5'"],
      ["platform_release == '5.1'", "platform_release != '5.1'"],
      ["'5' <= platform_release", "'5' > platform_release"],
    ] as const) {
      const a = MarkerSet.parse(yes);
      const b = MarkerSet.parse(no);
      assert.ok(a.isDisjoint(b), `${yes} / ${no}`);
      assert.ok(a.or(b).isTrue(), `${yes} / ${no}`);
      assert.equal(a.not().toString(), no);
      assert.ok(MarkerSet.parse(a.not().toString()).equals(b));
    }
    // `~=` is a range, so its opposite can be printed.
    const compatible = MarkerSet.parse("platform_release ~= '5.1'");
    assert.ok(
      compatible.equals(MarkerSet.parse("platform_release >= '5.1' and platform_release < '6'")),
    );
    assert.ok(MarkerSet.parse(compatible.not().toString()).equals(compatible.not()));
  });

  test("arbitrary equality on a version variable is an atom, on a string variable empty", () => {
    const fc = MarkerSet.parse("platform_release === '6.18.44-fc-v1300'");
    assert.ok(!fc.isFalse() && !fc.isTrue());
    assert.equal(fc.toString(), "platform_release === '6.18.44-fc-v1300'");
    assert.ok(fc.isDisjoint(fc.not()));
    assert.ok(fc.or(fc.not()).isTrue());
    // PEP 508 has no opposite of `===`: its negation prints as the nearest, `!=`.
    assert.equal(fc.not().toString(), "platform_release != '6.18.44-fc-v1300'");
    const env = (release: string): MarkerEnvironment => ({
      ...ENVIRONMENTS[0]!,
      platform_release: release,
    });
    assert.equal(fc.evaluate(env("6.18.44-fc-v1300")), true);
    assert.equal(fc.evaluate(env("6.18.44-FC-v1300")), true);
    assert.equal(fc.evaluate(env("6.18.44")), false);
    assert.equal(fc.not().evaluate(env("6.18.44")), true);
    for (const text of ["platform_system === 'Linux'", "platform_release === 'a b'"]) {
      assert.ok(MarkerSet.parse(text).isFalse(), text);
    }
    // Reversed, the environment's value is the specifier: it depends on the environment.
    assert.ok(!MarkerSet.parse("'6.18' === platform_release").isFalse());
  });

  test("comparisons that never hold are empty", () => {
    for (const text of [
      "sys_platform < 'z'",
      "'a' > os_name",
      "implementation_name ~= 'cpython'",
      "platform_release ~= '5'",
      "python_version < '0'",
    ]) {
      assert.ok(MarkerSet.parse(text).isFalse(), text);
      for (const env of ENVIRONMENTS) assert.equal(MarkerTree.parse(text).evaluate(env, []), false);
    }
    assert.ok(MarkerSet.parse(MarkerSet.FALSE.toString()).isFalse());
    assert.ok(MarkerSet.parse("python_version >= '0'").isTrue());
    // `<=`/`>=` on strings are equality.
    assert.ok(
      MarkerSet.parse("sys_platform >= 'linux'").equals(MarkerSet.parse("sys_platform == 'linux'")),
    );
  });

  test("projects onto Python versions", () => {
    const marker = MarkerSet.parse(
      "sys_platform == 'linux' and python_version >= '3.10' or python_version == '3.8'",
    );
    assert.equal(marker.pythonRange().toString(), ">=3.8, <3.9 | >=3.10");
  });

  test("prints what a care set leaves to say", () => {
    const linux = MarkerSet.parse("sys_platform == 'linux'");
    const marker = linux.and(MarkerSet.parse("python_version < '3.12'"));
    assert.equal(marker.toStringWithin(linux), "python_version < '3.12'");
    assert.equal(linux.toStringWithin(linux), "");
    assert.equal(marker.toStringWithin(MarkerSet.TRUE), marker.toString());
  });

  test("knows which environments cannot exist", () => {
    const possible = possibleEnvironments();
    const linuxDarwin = MarkerSet.parse("sys_platform == 'linux' and platform_system == 'Darwin'");
    assert.ok(!linuxDarwin.isFalse(), "variables are independent in the algebra");
    assert.ok(linuxDarwin.isDisjoint(possible));
    assert.ok(MarkerSet.parse("os_name == 'nt' and sys_platform == 'linux'").isDisjoint(possible));
    assert.ok(
      MarkerSet.parse(
        "implementation_name == 'pypy' and platform_python_implementation == 'CPython'",
      ).isDisjoint(possible),
    );
    assert.ok(
      !MarkerSet.parse("sys_platform == 'linux' and platform_system == 'Linux'").isDisjoint(
        possible,
      ),
    );
    for (const env of ENVIRONMENTS) assert.ok(possible.evaluate(env), JSON.stringify(env));
  });
});
