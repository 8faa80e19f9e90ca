import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { isPylockFileName, parsePylock } from "../../src/pylock/index.ts";
import { PuffinError } from "../../src/support/index.ts";

const SHA = "a".repeat(64);

/** A valid lock with one registry package; `extra` lines are appended to its package table. */
function lockText(packageLines: string[] = [], top: string[] = []): string {
  return [
    'lock-version = "1.0"',
    ...top,
    'created-by = "test"',
    "",
    "[[packages]]",
    'name = "attrs"',
    'version = "25.1.0"',
    ...packageLines,
  ].join("\n");
}

const WHEEL = `wheels = [{ name = "attrs-25.1.0-py3-none-any.whl", url = "https://files.example/attrs-25.1.0-py3-none-any.whl", size = 63152, upload-time = 2025-01-25T11:30:10.164Z, hashes = { sha256 = "${SHA}" } }]`;

/** Asserts that parsing throws `code`, with a message matching each of `patterns`. */
function rejects(text: string, code: string, ...patterns: RegExp[]): void {
  assert.throws(
    () => parsePylock(text, "/project/pylock.toml"),
    (error: unknown) => {
      assert.ok(error instanceof PuffinError, String(error));
      assert.equal(error.code, code, error.message);
      assert.match(error.message, /\/project\/pylock\.toml/);
      for (const pattern of patterns) assert.match(error.message, pattern);
      return true;
    },
  );
}

describe("parsePylock", () => {
  test("reads the specification's example shape into typed values", () => {
    const lock = parsePylock(
      [
        'lock-version = "1.0"',
        "environments = [\"sys_platform == 'win32'\", \"sys_platform == 'linux'\"]",
        "requires-python = '== 3.12.*'",
        'extras = ["cli"]',
        'dependency-groups = ["dev", "Docs"]',
        'default-groups = ["dev"]',
        "created-by = 'mousebender'",
        "",
        "[[packages]]",
        "name = 'attrs'",
        "version = '25.1.0'",
        "marker = \"'cli' in extras\"",
        "requires-python = '>= 3.8'",
        'index = "https://pypi.org/simple"',
        WHEEL,
        "",
        "[[packages.attestation-identities]]",
        "environment = 'release-pypi'",
        "kind = 'GitHub'",
        "",
        "[packages.tool.mytool]",
        "x = 1",
        "",
        "[[packages]]",
        "name = 'src'",
        "directory = { path = './src', editable = true }",
        "",
        "[tool.puffin]",
        'note = "kept"',
      ].join("\n"),
      "pylock.toml",
    );
    assert.equal(lock.lockVersion, "1.0");
    assert.deepEqual(lock.environments?.map(String), [
      'sys_platform == "win32"',
      'sys_platform == "linux"',
    ]);
    assert.equal(lock.requiresPython?.toString(), "==3.12.*");
    assert.deepEqual(lock.extras, ["cli"]);
    assert.deepEqual(lock.dependencyGroups, ["dev", "docs"]);
    assert.deepEqual(lock.defaultGroups, ["dev"]);
    assert.equal(lock.createdBy, "mousebender");
    const [attrs, src] = lock.packages;
    assert.equal(attrs?.name, "attrs");
    assert.equal(attrs?.version?.toString(), "25.1.0");
    assert.equal(attrs?.marker?.toString(), '"cli" in extras');
    assert.equal(attrs?.index, "https://pypi.org/simple");
    assert.deepEqual(attrs?.wheels, [
      {
        name: "attrs-25.1.0-py3-none-any.whl",
        uploadTime: "2025-01-25T11:30:10.164Z",
        url: "https://files.example/attrs-25.1.0-py3-none-any.whl",
        path: undefined,
        size: 63152,
        hashes: { sha256: SHA },
      },
    ]);
    assert.equal(attrs?.attestationIdentities?.[0]?.["kind"], "GitHub");
    assert.deepEqual(attrs?.tool, { mytool: { x: 1 } });
    assert.deepEqual(src?.directory, { path: "./src", editable: true, subdirectory: undefined });
    assert.deepEqual(lock.tool, { puffin: { note: "kept" } });
  });

  test("accepts pylock.NAME.toml and refuses other file names", () => {
    assert.ok(isPylockFileName("pylock.toml"));
    assert.ok(isPylockFileName("pylock.dev.toml"));
    assert.ok(!isPylockFileName("pylock.a.b.toml"));
    assert.ok(!isPylockFileName("requirements.toml"));
    assert.ok(!isPylockFileName("Pylock.toml"));
    assert.doesNotThrow(() => parsePylock(lockText([WHEEL]), "dir/pylock.spam.toml"));
    assert.throws(() => parsePylock(lockText([WHEEL]), "dir/lock.toml"), {
      code: "invalid-pylock-name",
      message: /dir\/lock\.toml.*`lock\.toml`/,
    });
  });

  test("not TOML at all", () => {
    rejects("lock-version = \n", "invalid-pylock", /not valid TOML/);
  });

  test("an unknown major lock-version is refused, a higher minor is read", () => {
    rejects(lockText([WHEEL]).replace('"1.0"', '"2.0"'), "unsupported-pylock-version", /2\.0/);
    rejects(lockText([WHEEL]).replace('"1.0"', '"0.9"'), "unsupported-pylock-version");
    rejects(lockText([WHEEL]).replace('"1.0"', '"one"'), "invalid-pylock", /`lock-version`/);
    const lock = parsePylock(lockText([WHEEL]).replace('"1.0"', '"1.7"'), "pylock.toml");
    assert.equal(lock.lockVersion, "1.7");
  });

  test("missing required keys are named", () => {
    rejects(
      lockText([WHEEL]).replace('lock-version = "1.0"', ""),
      "invalid-pylock",
      /`lock-version`: required key is missing/,
    );
    rejects(
      lockText([WHEEL]).replace('created-by = "test"', ""),
      "invalid-pylock",
      /`created-by`: required/,
    );
    rejects('lock-version = "1.0"\ncreated-by = "x"\n', "invalid-pylock", /`packages`: required/);
    rejects(
      lockText([WHEEL]).replace('name = "attrs"\n', ""),
      "invalid-pylock",
      /`packages\[0\]\.name`: required/,
    );
    rejects(
      lockText(['vcs = { type = "git", url = "https://example/repo.git" }']).replace(
        /^version = .*\n/m,
        "",
      ),
      "invalid-pylock",
      /`packages\[0\]\.vcs\.commit-id`: required key is missing/,
    );
  });

  test("values of the wrong type name the key and what was found", () => {
    rejects(
      lockText([WHEEL], ["requires-python = 3"]),
      "invalid-pylock",
      /`requires-python`: expected a string, found an integer \(3\)/,
    );
    rejects(
      lockText([WHEEL], ['environments = "linux"']),
      "invalid-pylock",
      /`environments`: expected an array/,
    );
    rejects(
      lockText([WHEEL], ["extras = [1]"]),
      "invalid-pylock",
      /`extras\[0\]`: expected a string/,
    );
    rejects(
      lockText([WHEEL]).replace('"25.1.0"', "25"),
      "invalid-pylock",
      /`packages\[0\]\.version`: expected a string/,
    );
    rejects(
      lockText([WHEEL, "dependencies = [1]"]),
      "invalid-pylock",
      /`packages\[0\]\.dependencies\[0\]`: expected a table/,
    );
    rejects(
      lockText([WHEEL.replace("size = 63152", "size = -1")]),
      "invalid-pylock",
      /`packages\[0\]\.wheels\[0\]\.size`: expected a size/,
    );
    rejects(
      lockText([
        WHEEL.replace("upload-time = 2025-01-25T11:30:10.164Z", 'upload-time = "2025-01-25"'),
      ]),
      "invalid-pylock",
      /`packages\[0\]\.wheels\[0\]\.upload-time`: expected a TOML date-time/,
    );
    rejects(
      lockText(["directory = { path = 'x', editable = 'yes' }"]).replace(/^version = .*\n/m, ""),
      "invalid-pylock",
      /`packages\[0\]\.directory\.editable`: expected a boolean/,
    );
    rejects(
      lockText(["wheels = 'x'"]),
      "invalid-pylock",
      /`packages\[0\]\.wheels`: expected an array/,
    );
  });

  test("bad markers, versions, specifiers and names", () => {
    rejects(
      lockText([WHEEL, "marker = \"python_version >>> '3'\""]),
      "invalid-pylock",
      /`packages\[0\]\.marker`: invalid marker/,
    );
    rejects(
      lockText([WHEEL], ["environments = [\"os_name = 'nt'\"]"]),
      "invalid-pylock",
      /`environments\[0\]`: invalid marker/,
    );
    rejects(
      lockText([WHEEL]).replace('"25.1.0"', '"not a version"'),
      "invalid-pylock",
      /`packages\[0\]\.version`: invalid version/,
    );
    rejects(
      lockText([WHEEL], ['requires-python = ">=3.x"']),
      "invalid-pylock",
      /`requires-python`: invalid version specifiers/,
    );
    rejects(
      lockText([WHEEL]).replace('name = "attrs"', 'name = "Attrs"'),
      "invalid-pylock",
      /`packages\[0\]\.name`: package name `Attrs` is not normalized \(write `attrs`\)/,
    );
    rejects(
      lockText([WHEEL]).replace('name = "attrs"', 'name = "-x-"'),
      "invalid-pylock",
      /not a valid package name/,
    );
    rejects(
      lockText([WHEEL], ['extras = ["My_Extra"]']),
      "invalid-pylock",
      /`extras\[0\]`.*not normalized/,
    );
  });

  test("bad hash tables", () => {
    const withHashes = (hashes: string) =>
      lockText([WHEEL.replace(`hashes = { sha256 = "${SHA}" }`, `hashes = ${hashes}`)]);
    rejects(
      withHashes("{}"),
      "invalid-pylock",
      /`packages\[0\]\.wheels\[0\]\.hashes`: at least one hash is required/,
    );
    rejects(
      withHashes('"sha256:abc"'),
      "invalid-pylock",
      /`packages\[0\]\.wheels\[0\]\.hashes`: expected a table/,
    );
    rejects(
      withHashes("{ sha256 = 12 }"),
      "invalid-pylock",
      /`packages\[0\]\.wheels\[0\]\.hashes\.sha256`: expected a hex digest string/,
    );
    rejects(
      withHashes('{ sha256 = "not-hex" }'),
      "invalid-pylock",
      /`packages\[0\]\.wheels\[0\]\.hashes\.sha256`: `not-hex` is not a hex digest/,
    );
    rejects(
      lockText([WHEEL.replace(`, hashes = { sha256 = "${SHA}" }`, "")]),
      "invalid-pylock",
      /`packages\[0\]\.wheels\[0\]\.hashes`: required key is missing/,
    );
    rejects(
      lockText(['archive = { url = "https://x/a.tar.gz", hashes = {} }']).replace(
        /^version = .*\n/m,
        "",
      ),
      "invalid-pylock",
      /`packages\[0\]\.archive\.hashes`: at least one hash/,
    );
  });

  test("a package has exactly one kind of source", () => {
    rejects(lockText([]), "invalid-pylock", /`packages\[0\]`: package `attrs` has no source/);
    rejects(
      lockText([WHEEL, "directory = { path = '.' }"]),
      "invalid-pylock",
      /`packages\[0\]`: package `attrs` has directory besides sdist\/wheels/,
    );
    rejects(
      lockText([
        "directory = { path = '.' }",
        `archive = { path = "a.tar.gz", hashes = { sha256 = "${SHA}" } }`,
      ]),
      "invalid-pylock",
      /has directory and archive/,
    );
    rejects(
      lockText([WHEEL]).replace(/^version = .*\n/m, ""),
      "invalid-pylock",
      /`packages\[0\]\.version`: .*no version/,
    );
  });

  test("files must locate themselves and belong to the package", () => {
    rejects(
      lockText([`sdist = { name = "attrs-25.1.0.tar.gz", hashes = { sha256 = "${SHA}" } }`]),
      "invalid-pylock",
      /`packages\[0\]\.sdist`: needs `url` or `path`/,
    );
    rejects(
      lockText([`sdist = { url = "not a url", hashes = { sha256 = "${SHA}" } }`]),
      "invalid-pylock",
      /`packages\[0\]\.sdist\.url`: `not a url` is not a URL/,
    );
    rejects(
      lockText([WHEEL.replaceAll("attrs-25.1.0-py3", "other-25.1.0-py3")]),
      "invalid-pylock",
      /`packages\[0\]\.wheels\[0\]`: `other-25\.1\.0-py3-none-any\.whl` is not a file of package `attrs`/,
    );
    rejects(
      lockText([WHEEL.replaceAll("attrs-25.1.0-py3", "attrs-25.2.0-py3")]),
      "invalid-pylock",
      /is version 25\.2\.0, but the package is 25\.1\.0/,
    );
    rejects(
      lockText([WHEEL.replaceAll("attrs-25.1.0-py3-none-any.whl", "attrs-25.1.0.zip")]),
      "invalid-pylock",
      /`attrs-25\.1\.0\.zip` is not a wheel file name/,
    );
    rejects(
      lockText([`sdist = { path = "dist/attrs-25.1.0.whl", hashes = { sha256 = "${SHA}" } }`]),
      "invalid-pylock",
      /`packages\[0\]\.sdist`: `attrs-25\.1\.0\.whl` is not a source distribution file name/,
    );
  });

  test("credentials in a bad URL are not repeated", () => {
    rejects(
      lockText([`sdist = { url = "https://user:secret@:bad", hashes = { sha256 = "${SHA}" } }`]),
      "invalid-pylock",
    );
    try {
      parsePylock(
        lockText([`sdist = { url = "https://user:secret@:bad", hashes = { sha256 = "${SHA}" } }`]),
        "pylock.toml",
      );
    } catch (error) {
      assert.doesNotMatch((error as Error).message, /secret/);
    }
  });

  test("attestation identities need a kind", () => {
    rejects(
      lockText([WHEEL, "attestation-identities = [{ environment = 'x' }]"]),
      "invalid-pylock",
      /`packages\[0\]\.attestation-identities\[0\]\.kind`: required/,
    );
  });
});
