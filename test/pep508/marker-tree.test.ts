import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ExtraName, GroupName } from "../../src/normalize/index.ts";
import {
  type MarkerEnvironment,
  MarkerTree,
  markerEnvironmentFromRecord,
  Pep508Error,
} from "../../src/pep508/index.ts";
import { PuffinError } from "../../src/support/index.ts";
import markers from "../corpora/packaging/markers.json" with { type: "json" };

const referenceEnvironments = Object.fromEntries(
  Object.entries(markers.reference_environments).map(([name, record]) => [
    name,
    markerEnvironmentFromRecord(record),
  ]),
) as Record<string, MarkerEnvironment>;
const linux = referenceEnvironments["cpython312_linux_x86_64"]!;

/** packaging's environments carry one `extra` (or ""); ours carry the list of requested extras. */
function extrasOf(extra: string): ExtraName[] {
  return extra === "" ? [] : [ExtraName.parse(extra)];
}

function isMarkerError(error: unknown): boolean {
  return error instanceof Pep508Error && error.code === "invalid-marker";
}

describe("MarkerTree.parse", () => {
  test("accepts every PEP 508 marker of the packaging suite", () => {
    assert.equal(markers.valid.pep508.length, 1440);
    for (const marker of markers.valid.pep508) MarkerTree.parse(marker);
  });

  test("policy: legacy PEP 345 names (`os.name`, …) and setuptools' `python_implementation` are accepted, as by packaging and uv", () => {
    for (const marker of [...markers.valid.pep345_legacy, ...markers.valid.setuptools_legacy]) {
      MarkerTree.parse(marker);
    }
    const cases = [
      ["os.name == 'nt'", 'os_name == "nt"'],
      ["sys.platform == 'win32'", 'sys_platform == "win32"'],
      ["platform.version == 'x'", 'platform_version == "x"'],
      ["platform.machine == 'x86_64'", 'platform_machine == "x86_64"'],
      [
        "platform.python_implementation == 'CPython'",
        'platform_python_implementation == "CPython"',
      ],
      ["python_implementation == 'CPython'", 'platform_python_implementation == "CPython"'],
    ];
    for (const [input, normalized] of cases) {
      assert.equal(MarkerTree.parse(input!).toString(), normalized);
    }
  });

  test("rejects the invalid markers of the packaging suite", () => {
    for (const marker of markers.invalid) {
      assert.throws(() => MarkerTree.parse(marker), isMarkerError, marker);
    }
  });

  test("rejects malformed markers with a caret under the problem", () => {
    const cases = [
      ["", "Expected a quoted string or a marker name, found end of input\n\n^"],
      [
        "python_version >= '3.8' with",
        "Expected `and`, `or` or the end of the marker, found `w`\npython_version >= '3.8' with\n                        ^",
      ],
      [
        "os_name = 'nt'",
        "Expected a marker operator (`==`, `!=`, `<`, `<=`, `>`, `>=`, `~=`, `===`, `in` or `not in`), found `=`\nos_name = 'nt'\n        ^",
      ],
      [
        "'3.7' notin python_version",
        "Expected a marker operator (`==`, `!=`, `<`, `<=`, `>`, `>=`, `~=`, `===`, `in` or `not in`), found `notin`\n'3.7' notin python_version\n      ^^^^^",
      ],
      [
        "'3.7' not python_version",
        "Expected `in` after `not`, found `p`\n'3.7' not python_version\n          ^",
      ],
      [
        "bogus_name >= '1.0'",
        "Expected a quoted string or a marker name (e.g. `python_version`), found `bogus_name`\nbogus_name >= '1.0'\n^^^^^^^^^^",
      ],
      [
        "os_name == 'nt",
        "Missing closing quote for the string that starts here\nos_name == 'nt\n           ^^^",
      ],
      [
        "(os_name == 'nt'",
        "Expected `)` to close the `(` at column 1, found end of input\n(os_name == 'nt'\n^^^^^^^^^^^^^^^^",
      ],
      [
        "os_name == 'nt' andx os_name == 'a'",
        "Expected `and`, `or` or the end of the marker, found `a`\nos_name == 'nt' andx os_name == 'a'\n                ^",
      ],
    ] as const;
    for (const [input, message] of cases) {
      assert.throws(
        () => MarkerTree.parse(input),
        (error: unknown) => isMarkerError(error) && (error as Error).message === message,
        input,
      );
    }
  });

  test("keywords need word boundaries but not spaces next to quotes and parentheses", () => {
    assert.equal(
      MarkerTree.parse("(python_version>='3.4')and extra=='oursql'").toString(),
      'python_version >= "3.4" and extra == "oursql"',
    );
    assert.equal(
      MarkerTree.parse("os_name=='a'or\tos_name  ==  'b'").toString(),
      'os_name == "a" or os_name == "b"',
    );
    assert.equal(MarkerTree.parse("'3.6'in python_version").toString(), '"3.6" in python_version');
  });

  test("keeps the tree structured: and binds tighter than or", () => {
    const tree = MarkerTree.parse("os_name == 'a' or os_name == 'b' and python_version < '3.9'");
    assert.equal(tree.root.kind, "or");
    assert.equal(tree.root.kind === "or" && tree.root.children[1]?.kind, "and");
    const expression = MarkerTree.parse("python_version >= '3.8'").root;
    assert.equal(expression.kind, "expression");
    if (expression.kind === "expression") {
      assert.deepEqual(expression.left, { kind: "variable", name: "python_version" });
      assert.equal(expression.operator, ">=");
      assert.deepEqual(expression.right, { kind: "string", value: "3.8" });
      assert.equal(expression.specifier?.toString(), ">=3.8");
    }
    assert.deepEqual(
      [
        ...MarkerTree.parse(
          "extra == 'a' and (sys_platform == 'linux' or '3' in python_version)",
        ).variables(),
      ].sort(),
      ["extra", "python_version", "sys_platform"],
    );
  });
});

describe("MarkerTree.toString", () => {
  test("equals packaging's str(Marker) for the packaging suite", () => {
    assert.equal(markers.normalized.length, 1448);
    for (const [input, expected] of markers.normalized) {
      assert.equal(MarkerTree.parse(input!).toString(), expected, input);
    }
  });

  test("equals packaging's str(Marker) for the markers harvested from its tests", () => {
    for (const { input, valid, str } of markers.harvested_literals) {
      assert.equal(valid, true);
      assert.equal(MarkerTree.parse(input).toString(), str, input);
    }
  });

  test("keeps parentheses as written, except around one comparison or the whole marker", () => {
    const cases = [
      ["(os_name == 'a')", 'os_name == "a"'],
      ["((os_name == 'a' or os_name == 'b'))", 'os_name == "a" or os_name == "b"'],
      ["(os_name == 'a') and os_name == 'b'", 'os_name == "a" and os_name == "b"'],
      [
        "(os_name == 'a' and os_name == 'b') and os_name == 'c'",
        '(os_name == "a" and os_name == "b") and os_name == "c"',
      ],
      [
        "os_name == 'a' and os_name == 'b' or os_name == 'c'",
        'os_name == "a" and os_name == "b" or os_name == "c"',
      ],
      // packaging prints `os_name == "a" and os_name == "b" or os_name == "c"` here, which means
      // something else; we keep the parentheses (deliberate difference).
      [
        "os_name == 'a' and ((os_name == 'b' or os_name == 'c'))",
        'os_name == "a" and (os_name == "b" or os_name == "c")',
      ],
    ];
    for (const [input, expected] of cases)
      assert.equal(MarkerTree.parse(input!).toString(), expected);
  });

  test("normalizes extra names wherever they appear (packaging only does at the top level)", () => {
    assert.equal(
      MarkerTree.parse("python_version == '3.8' and (extra == 'A_b' or extra == 'C.d')").toString(),
      'python_version == "3.8" and (extra == "a-b" or extra == "c-d")',
    );
  });

  test("takes strings literally and quotes a value holding a double quote with single quotes", () => {
    assert.equal(
      MarkerTree.parse(String.raw`os_name == 'a\x41'`).toString(),
      String.raw`os_name == "a\x41"`,
    );
    assert.equal(MarkerTree.parse(`os_name == '"'`).toString(), `os_name == '"'`);
    assert.equal(
      MarkerTree.parse(MarkerTree.parse(`os_name == '"'`).toString()).toString(),
      `os_name == '"'`,
    );
  });

  test("combines markers the way packaging's & and | print them", () => {
    const a = MarkerTree.parse("os_name == 'a' or os_name == 'b'");
    const b = MarkerTree.parse("python_version < '3.9'");
    assert.equal(
      a.and(b).toString(),
      '(os_name == "a" or os_name == "b") and python_version < "3.9"',
    );
    assert.equal(
      b.or(a).toString(),
      'python_version < "3.9" or (os_name == "a" or os_name == "b")',
    );
    assert.equal(a.and(b).evaluate(linux, []), false);
    assert.equal(b.or(a).evaluate(linux, []), false);
  });
});

describe("MarkerTree.evaluate", () => {
  test("agrees with packaging's evaluate vectors", () => {
    assert.equal(markers.evaluate.length, 27);
    for (const { marker, environment, expected } of markers.evaluate) {
      const env = markerEnvironmentFromRecord(environment);
      assert.equal(
        MarkerTree.parse(marker).evaluate(env, extrasOf(environment.extra)),
        expected,
        marker,
      );
    }
  });

  test("agrees with packaging 26.2 on every marker under every reference environment", () => {
    assert.equal(markers.generated_evaluation.length, 540);
    for (const { marker, env, extra, expected } of markers.generated_evaluation) {
      const tree = MarkerTree.parse(marker);
      const environment = referenceEnvironments[env]!;
      assert.equal(
        tree.evaluate(environment, extrasOf(extra)),
        expected,
        `${marker} on ${env} with extra=${extra}`,
      );
    }
  });

  test("extras_and_dependency_groups (PEP 751 set-valued names) from the packaging suite", () => {
    for (const { marker, environment, expected } of markers.extras_and_dependency_groups) {
      const tree = MarkerTree.parse(marker);
      const sets: { extras?: string[]; dependency_groups?: string[] } = environment;
      const extras = (sets.extras ?? []).map((e) => ExtraName.parse(e));
      const groups = (sets.dependency_groups ?? []).map((g) => GroupName.parse(g));
      assert.equal(tree.evaluate(linux, extras, groups), expected, marker);
    }
  });

  test("versions compare with PEP 440 rules, on either side, and fall back to strings", () => {
    const env = { ...linux, python_full_version: "3.12.1", platform_release: "6.5.0-14-generic" };
    const cases = [
      ["python_full_version >= '3.12'", true],
      ["python_full_version == '3.12.*'", true],
      ["python_full_version < '3.12.1rc1'", false],
      ["'3.12.0' < python_full_version", true],
      ["'3.12.1' == python_full_version", true],
      ["python_version ~= '3.9'", true],
      // platform_release is not a version here: a version comparison is false, strings compare as strings
      ["platform_release >= '6'", false],
      ["platform_release == '6.5.0-14-generic'", true],
      ["'generic' in platform_release", true],
      // string fallbacks: < and > never hold, <= and >= are equality, ~= and === are undefined (false)
      ["os_name < 'z'", false],
      ["os_name >= 'posix'", true],
      ["os_name ~= 'posix'", false],
      ["os_name === 'posix'", false],
      // two strings or two variables never hold
      ["'a' == 'a'", false],
      ["python_version == python_version", false],
    ] as const;
    for (const [marker, expected] of cases) {
      assert.equal(MarkerTree.parse(marker).evaluate(env, []), expected, marker);
    }
  });

  test("=== on a version variable is packaging's arbitrary equality", () => {
    // Expected values produced with packaging 26.3 in a scratch venv:
    //   Marker(marker).evaluate({**env, **override}), `env` being `kernel` below;
    //   where packaging raised UndefinedComparison, the expected value is false (as uv).
    const kernel: MarkerEnvironment = {
      ...linux,
      implementation_version: "3.11.4",
      platform_release: "6.18.44-fc-v1300",
      python_full_version: "3.11.4",
      python_version: "3.11",
    };
    const cases: [string, Partial<MarkerEnvironment>, boolean][] = [
      ['platform_release === "6.18.44-fc-v1300"', {}, true],
      ['platform_release === "6.18.44-FC-V1300"', {}, true],
      ['platform_release === "6.18.44"', {}, false],
      ['platform_release === "6.18.44-fc-v1300.0"', {}, false],
      ['"6.18.44-fc-v1300" === platform_release', {}, true],
      ['"6.18.44-Fc-v1300" === platform_release', {}, true],
      ['"6.18" === platform_release', {}, false],
      ['platform_release === " 6.18.44-fc-v1300 "', {}, true],
      ['platform_release === "6.1.0"', { platform_release: "6.1.0" }, true],
      ['platform_release === "6.1"', { platform_release: "6.1.0" }, false],
      ['platform_release === "6.01.0"', { platform_release: "6.1.0" }, false],
      ['platform_release === "6.1.0"', { platform_release: "6.01.0" }, false],
      ['platform_release === "5.15.0-1051-azure"', { platform_release: "5.15.0-1051-azure" }, true],
      ['platform_release === "6.18 44"', {}, false], // UndefinedComparison
      ['platform_release === "a;b"', { platform_release: "a;b" }, false], // UndefinedComparison
      ['"x" === platform_release', { platform_release: "x y" }, false], // UndefinedComparison
      ['python_full_version === "3.11.4"', {}, true],
      ['python_full_version === "3.11.04"', {}, false],
      ['python_full_version === "3.11"', {}, false],
      ['python_version === "3.11"', {}, true],
      ['python_version === "3.11.0"', {}, false],
      ['implementation_version === "3.11.4"', {}, true],
      ['implementation_version === "7.3.17"', { implementation_version: "7.3.17" }, true],
      ['python_full_version === "3.13.0rc1"', { python_full_version: "3.13.0rc1" }, true],
      ['python_full_version === "3.13.0RC1"', { python_full_version: "3.13.0rc1" }, true],
      ['python_full_version === "3.13.0c1"', { python_full_version: "3.13.0rc1" }, false],
      ['platform_release === "6.18.44-fc-v1300" and python_version == "3.11"', {}, true],
      ['platform_release === "6.18.44" or python_version == "3.11"', {}, true],
      ['platform_release === "6.18.44" or python_version == "3.12"', {}, false],
      ['platform_system === "Linux"', {}, false], // UndefinedComparison
      ['sys_platform === "linux"', {}, false], // UndefinedComparison
    ];
    for (const [marker, override, expected] of cases) {
      const env = { ...kernel, ...override };
      assert.equal(MarkerTree.parse(marker).evaluate(env, []), expected, marker);
    }
  });

  test("extra holds for some requested extra, or for all of them when negated", () => {
    const cases = [
      ["extra == 'a'", [], false],
      ["extra == 'a'", ["a", "b"], true],
      ["extra != 'a'", [], true],
      ["extra != 'a'", ["b"], true],
      ["extra != 'a'", ["a", "b"], false],
      ["'A_1' == extra", ["a-1"], true],
      ["extra in 'docs test'", ["test"], true],
      ["extra not in 'docs test'", ["test", "x"], false],
      // packaging compares the empty string when no extra is requested
      ["extra in 'docs test'", [], true],
    ] as const;
    for (const [marker, extras, expected] of cases) {
      const tree = MarkerTree.parse(marker);
      assert.equal(
        tree.evaluate(
          linux,
          extras.map((e) => ExtraName.parse(e)),
        ),
        expected,
        `${marker} ${extras}`,
      );
    }
  });

  test("partial evaluation answers when the known part decides, undefined otherwise", () => {
    const tree = MarkerTree.parse(
      "python_version >= '3.8' and (extra == 'docs' or sys_platform == 'win32')",
    );
    assert.equal(tree.evaluatePartial({ python_version: "3.7" }, undefined), false);
    assert.equal(tree.evaluatePartial({ python_version: "3.12" }, undefined), undefined);
    assert.equal(tree.evaluatePartial({ python_version: "3.12" }, [ExtraName.parse("docs")]), true);
    assert.equal(tree.evaluatePartial({ python_version: "3.12" }, []), undefined);
    assert.equal(
      tree.evaluatePartial({ python_version: "3.12", sys_platform: "linux" }, []),
      false,
    );
    assert.equal(tree.evaluatePartial(linux, []), tree.evaluate(linux, []));
  });
});

describe("markerEnvironmentFromRecord", () => {
  test("takes the eleven keys and ignores others", () => {
    const env = markerEnvironmentFromRecord({ ...linux, extra: "ignored" });
    assert.deepEqual(env, linux);
    assert.equal(Object.isFrozen(env), true);
  });

  test("names the missing keys", () => {
    assert.throws(
      () => markerEnvironmentFromRecord({ ...linux, python_version: undefined, os_name: 3 }),
      (error: unknown) =>
        error instanceof PuffinError &&
        error.code === "invalid-marker-environment" &&
        error.message === "Marker environment is missing `os_name`, `python_version`",
    );
  });

  test("repairs a python_full_version ending in `+` into a local version, as packaging does", () => {
    const env = markerEnvironmentFromRecord({ ...linux, python_full_version: "3.13.0+" });
    assert.equal(env.python_full_version, "3.13.0+local");
    assert.equal(MarkerTree.parse("python_full_version >= '3.13'").evaluate(env, []), true);
  });
});
