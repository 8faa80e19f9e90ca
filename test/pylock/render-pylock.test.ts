import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import { ExtraName, GroupName, PackageName } from "../../src/normalize/index.ts";
import { Version, VersionSpecifiers } from "../../src/pep440/index.ts";
import { MarkerTree } from "../../src/pep508/index.ts";
import { type Pylock, parsePylock, renderPylock } from "../../src/pylock/index.ts";

const SHA = (c: string) => c.repeat(64);

/** A lock using every key of the specification. */
export const FULL_LOCK: Pylock = {
  lockVersion: "1.0",
  environments: [
    MarkerTree.parse("sys_platform == 'linux'"),
    MarkerTree.parse("sys_platform == 'win32'"),
  ],
  requiresPython: VersionSpecifiers.parse(">=3.9"),
  extras: [ExtraName.parse("cli")],
  dependencyGroups: [GroupName.parse("dev"), GroupName.parse("docs")],
  defaultGroups: [GroupName.parse("dev")],
  createdBy: "puffin",
  packages: [
    {
      name: PackageName.parse("attrs"),
      version: Version.parse("25.1.0"),
      marker: MarkerTree.parse("'cli' in extras"),
      requiresPython: VersionSpecifiers.parse(">=3.8"),
      dependencies: [{ name: "idna" }],
      index: "https://pypi.org/simple",
      sdist: {
        name: "attrs-25.1.0.tar.gz",
        uploadTime: "2025-01-25T11:30:12.345Z",
        url: "https://files.example/attrs-25.1.0.tar.gz",
        size: 810562,
        hashes: { sha256: SHA("1") },
      },
      wheels: [
        {
          name: "attrs-25.1.0-py3-none-any.whl",
          uploadTime: "2025-01-25T11:30:10.164Z",
          url: "https://files.example/attrs-25.1.0-py3-none-any.whl",
          size: 63152,
          hashes: { sha256: SHA("2"), sha512: SHA("3").repeat(2) },
        },
      ],
      attestationIdentities: [{ kind: "GitHub", repository: "python-attrs/attrs" }],
      tool: { puffin: { why: "test", nested: { list: [1, "two", true] } } },
    },
    {
      name: PackageName.parse("idna"),
      version: Version.parse("3.10"),
      marker: MarkerTree.parse("'dev' in dependency_groups and python_version >= '3.9'"),
      wheels: [{ path: "wheels/idna-3.10-py3-none-any.whl", hashes: { sha256: SHA("4") } }],
    },
    {
      name: PackageName.parse("local-project"),
      directory: { path: "./src/local project", editable: true, subdirectory: "pkg" },
    },
    {
      name: PackageName.parse("from-git"),
      vcs: {
        type: "git",
        url: "https://example.com/repo.git",
        requestedRevision: "main",
        commitId: "0123456789abcdef0123456789abcdef01234567",
        subdirectory: "sub",
      },
    },
    {
      name: PackageName.parse("an-archive"),
      version: Version.parse("1.0"),
      archive: {
        url: "https://example.com/an_archive-1.0.tar.gz",
        size: 10,
        uploadTime: "2024-02-03T04:05:06+01:00",
        hashes: { sha256: SHA("5") },
        subdirectory: "x",
      },
    },
  ],
  tool: { puffin: { "odd key": 'it\'s "quoted"\n' } },
};

describe("renderPylock", () => {
  test("render → parse gives the model back", () => {
    const text = renderPylock(FULL_LOCK);
    const back = parsePylock(text, "pylock.toml");
    // Domain objects compare by their text; everything else structurally.
    assert.equal(renderPylock(back), text);
    assert.deepEqual(
      JSON.parse(JSON.stringify(back, stringify)),
      JSON.parse(JSON.stringify(FULL_LOCK, stringify)),
    );
  });

  test("keys come in the specification's order; upload-time is a TOML date-time", () => {
    const text = renderPylock(FULL_LOCK);
    const top = text
      .split("\n")
      .filter((line) => /^[a-z-]+ = /.test(line))
      .map((l) => l.split(" ")[0]);
    assert.deepEqual(top.slice(0, 7), [
      "lock-version",
      "environments",
      "requires-python",
      "extras",
      "dependency-groups",
      "default-groups",
      "created-by",
    ]);
    const first = text.indexOf("[[packages]]");
    const attrs = text.slice(first, text.indexOf("[[packages]]", first + 1));
    const keys = attrs
      .split("\n")
      .filter((line) => /^[a-z-]+ = /.test(line))
      .map((l) => l.split(" ")[0]);
    assert.deepEqual(keys, [
      "name",
      "version",
      "marker",
      "requires-python",
      "dependencies",
      "index",
      "sdist",
      "wheels",
      "attestation-identities",
      "tool",
    ]);
    assert.match(text, /upload-time = 2025-01-25T11:30:10\.164Z/);
    assert.match(
      text,
      /\{ name = 'attrs-25\.1\.0-py3-none-any\.whl', upload-time = .*, url = .*, size = 63152, hashes = \{ sha256 = '2+', sha512 = '3+' \} \}/,
    );
    assert.ok(text.endsWith('\n[tool]\npuffin = { "odd key" = "it\'s \\"quoted\\"\\n" }\n'), text);
  });

  test("is deterministic", () => {
    assert.equal(renderPylock(FULL_LOCK), renderPylock({ ...FULL_LOCK }));
  });

  test("a model that breaks an invariant is refused, naming the key", () => {
    const [attrs] = FULL_LOCK.packages;
    assert.throws(
      () =>
        renderPylock({
          ...FULL_LOCK,
          packages: [{ ...attrs!, directory: { path: "." } }],
        }),
      {
        code: "invalid-pylock",
        message: /Refusing to write an invalid lock: `packages\[0\]`: .*directory besides/,
      },
    );
    assert.throws(
      () =>
        renderPylock({
          ...FULL_LOCK,
          packages: [{ ...attrs!, sdist: { ...attrs!.sdist!, hashes: {} } }],
        }),
      { code: "invalid-pylock", message: /`packages\[0\]\.sdist\.hashes`: at least one hash/ },
    );
    assert.throws(
      () =>
        renderPylock({
          ...FULL_LOCK,
          packages: [{ ...attrs!, sdist: { ...attrs!.sdist!, uploadTime: "yesterday" } }],
        }),
      { code: "invalid-pylock", message: /upload-time `yesterday`/ },
    );
  });

  test("an empty lock is still a lock", () => {
    const text = renderPylock({ lockVersion: "1.0", createdBy: "puffin", packages: [] });
    assert.equal(text, "lock-version = '1.0'\ncreated-by = 'puffin'\npackages = []\n");
    assert.deepEqual(parsePylock(text, "pylock.toml").packages, []);
  });

  test("packaging.pylock validates the output (when a Python with packaging >= 25 is here)", (t) => {
    const python = pythonWithPylock();
    if (python === undefined) {
      t.skip("no python3 with packaging.pylock");
      return;
    }
    const script = [
      "import sys, tomllib",
      "from packaging.pylock import Pylock",
      "lock = Pylock.from_dict(tomllib.loads(sys.stdin.read()))",
      "lock.validate()",
      "print(len(lock.packages), lock.packages[0].wheels[0].upload_time.isoformat())",
    ].join("\n");
    const result = spawnSync(python, ["-c", script], {
      input: renderPylock(FULL_LOCK),
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), "5 2025-01-25T11:30:10.164000+00:00");
  });
});

function stringify(_key: string, value: unknown): unknown {
  if (
    value instanceof Version ||
    value instanceof VersionSpecifiers ||
    value instanceof MarkerTree
  ) {
    return value.toString();
  }
  return value;
}

/** A `python3` that has `packaging.pylock` and `tomllib`, or undefined. */
export function pythonWithPylock(): string | undefined {
  const probe = spawnSync("python3", ["-c", "import tomllib, packaging.pylock"], {
    encoding: "utf8",
  });
  return probe.status === 0 ? "python3" : undefined;
}
