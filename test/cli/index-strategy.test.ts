// `--index-strategy` and uv's index spellings (`--index [NAME=]URL`, `--default-index`), end to
// end against two loopback indexes, and the first-index hint of a failed resolution.
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { IndexServer } from "../support/index-server.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel, writeWheel } from "../support/wheel-builder.ts";

const python = newestPyenvPython();
const skip = python === undefined ? "no pyenv Python 3.8+ on this machine" : false;
const root = testDirectory("cli-index-strategy");
const env = { PUFFIN_CACHE_DIR: join(root, "cache") };

/** The pins of a `pip compile` output (comments and annotations left out). */
function pins(stdout: string): string[] {
  return stdout.split("\n").filter((line) => line !== "" && !/^\s*#/.test(line));
}

describe("--index-strategy and the index spellings", { skip }, () => {
  // `first` is consulted first (an extra index); `second` is the default index.
  let first: IndexServer;
  let second: IndexServer;
  const links = join(root, "links");
  before(async () => {
    first = await IndexServer.start({
      files: [
        buildWheel({ name: "pkg", version: "1.0" }),
        buildWheel({ name: "pkg", version: "3.0" }),
        // The same version on both indexes: only the first index's file counts.
        buildWheel({ name: "dup", version: "1.0" }),
      ],
    });
    second = await IndexServer.start({
      files: [
        buildWheel({ name: "pkg", version: "2.0" }),
        buildWheel({ name: "pkg", version: "4.0" }),
        buildWheel({ name: "dup", version: "1.0", requiresDist: ["missing-dependency"] }),
        buildWheel({ name: "only-second", version: "1.0" }),
      ],
    });
    mkdirSync(links, { recursive: true });
    writeWheel(links, { name: "linked", version: "1.0" });
  });
  after(() => {
    first.close();
    second.close();
  });

  const compile = (requirements: string[], args: string[], more: NodeJS.ProcessEnv = {}) =>
    runPuffin(
      [
        "pip",
        "compile",
        "-",
        "--python",
        python!.executable,
        "--no-header",
        "--no-annotate",
        ...args,
      ],
      { cwd: root, env: { ...env, ...more }, stdin: `${requirements.join("\n")}\n` },
    );
  const uvOrder = () => ["--extra-index-url", first.indexUrl, "--index-url", second.indexUrl];

  test("first-index: a package comes from the first index that has it", async () => {
    const run = await compile(["pkg", "only-second", "dup"], uvOrder());
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(pins(run.stdout), ["dup==1.0", "only-second==1.0", "pkg==3.0"]);
  });

  test("unsafe-best-match: every index's versions compete; a shared version is the first index's", async () => {
    const run = await compile(
      ["pkg", "dup"],
      [...uvOrder(), "--index-strategy", "unsafe-best-match"],
    );
    assert.equal(run.status, 0, run.stderr);
    // dup==1.0 from the second index would need `missing-dependency`.
    assert.deepEqual(pins(run.stdout), ["dup==1.0", "pkg==4.0"]);
    const below = await compile(["pkg<4"], [...uvOrder(), "--index-strategy", "unsafe-best-match"]);
    assert.deepEqual(pins(below.stdout), ["pkg==3.0"]);
  });

  test("unsafe-first-match: the first index's versions are exhausted before the next's", async () => {
    const strategy = ["--index-strategy", "unsafe-first-match"];
    const run = await compile(["pkg", "dup"], [...uvOrder(), ...strategy]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(pins(run.stdout), ["dup==1.0", "pkg==3.0"]);
    const later = await compile(["pkg>3"], [...uvOrder(), ...strategy]);
    assert.deepEqual(pins(later.stdout), ["pkg==4.0"]);
    const between = await compile(["pkg>1,<3"], [...uvOrder(), ...strategy]);
    assert.deepEqual(pins(between.stdout), ["pkg==2.0"]);
  });

  test("PUFFIN_INDEX_STRATEGY applies, and the flag wins over it", async () => {
    const fromEnv = await compile(["pkg"], uvOrder(), {
      PUFFIN_INDEX_STRATEGY: "unsafe-best-match",
    });
    assert.deepEqual(pins(fromEnv.stdout), ["pkg==4.0"]);
    const flag = await compile(["pkg"], [...uvOrder(), "--index-strategy", "first-index"], {
      PUFFIN_INDEX_STRATEGY: "unsafe-best-match",
    });
    assert.deepEqual(pins(flag.stdout), ["pkg==3.0"]);
  });

  for (const strategy of ["first-index", "unsafe-first-match", "unsafe-best-match"]) {
    test(`find-links files join the candidates under ${strategy}`, async () => {
      const run = await compile(
        ["linked", "pkg"],
        [...uvOrder(), "--find-links", links, "--index-strategy", strategy],
      );
      assert.equal(run.status, 0, run.stderr);
      assert.ok(pins(run.stdout).includes("linked==1.0"), run.stdout);
    });
  }

  test("--index NAME=URL comes before the default index; --default-index replaces PyPI", async () => {
    const run = await compile(
      ["pkg"],
      ["--index", `mine=${first.indexUrl}`, "--default-index", second.indexUrl],
    );
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(pins(run.stdout), ["pkg==3.0"]);
    const swapped = await compile(
      ["pkg"],
      ["--index", second.indexUrl, "--default-index", first.indexUrl],
    );
    assert.deepEqual(pins(swapped.stdout), ["pkg==4.0"]);
  });

  test("--index comes before --extra-index-url; PUFFIN_INDEX and PUFFIN_DEFAULT_INDEX are read", async () => {
    const run = await compile(
      ["pkg"],
      ["--index", second.indexUrl, "--extra-index-url", first.indexUrl, "-i", first.indexUrl],
    );
    assert.deepEqual(pins(run.stdout), ["pkg==4.0"]);
    const fromEnv = await compile(["pkg"], [], {
      PUFFIN_INDEX: `mine=${first.indexUrl}`,
      PUFFIN_DEFAULT_INDEX: second.indexUrl,
    });
    assert.equal(fromEnv.status, 0, fromEnv.stderr);
    assert.deepEqual(pins(fromEnv.stdout), ["pkg==3.0"]);
  });

  test("no solution under first-index: a hint names the other index and the strategy", async () => {
    const withCredentials = second.indexUrl.replace("http://", "http://user:s3cret@");
    const run = await compile(
      ["pkg==4.0"],
      ["--extra-index-url", first.indexUrl, "--index-url", withCredentials],
    );
    assert.equal(run.status, 1, run.stderr);
    const redacted = second.indexUrl.replace("http://", "http://user:****@");
    assert.ok(
      run.stderr.includes(
        `hint: \`pkg==4.0\` is on ${redacted}, which the first-index strategy did not consult for pkg (it was found first on ${first.indexUrl}); \`--index-strategy unsafe-best-match\` would consider it`,
      ),
      run.stderr,
    );
    assert.ok(!run.stderr.includes("s3cret"), run.stderr);
    // Under the strategy the hint names, it resolves.
    const taken = await compile(
      ["pkg==4.0"],
      [...uvOrder(), "--index-strategy", "unsafe-best-match"],
    );
    assert.equal(taken.status, 0, taken.stderr);
  });

  test("no hint when no other index has a fitting version", async () => {
    const run = await compile(["pkg==9.0"], uvOrder());
    assert.equal(run.status, 1);
    assert.ok(!run.stderr.includes("first-index strategy"), run.stderr);
  });

  test("a bad --index-strategy is a usage error listing the choices", async () => {
    const run = await compile(["pkg"], [...uvOrder(), "--index-strategy", "best"]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /first-index/);
    assert.match(run.stderr, /unsafe-first-match/);
    assert.match(run.stderr, /unsafe-best-match/);
  });

  test("a bad PUFFIN_INDEX_STRATEGY is an error naming the variable and the choices", async () => {
    const run = await compile(["pkg"], uvOrder(), { PUFFIN_INDEX_STRATEGY: "pip" });
    assert.equal(run.status, 1);
    assert.match(
      run.stderr,
      /Invalid PUFFIN_INDEX_STRATEGY `pip`: expected one of first-index, unsafe-first-match, unsafe-best-match/,
    );
  });

  const badIndexes: [string, RegExp][] = [
    ["=https://example.invalid/simple", /the name is empty/],
    [
      "my index=https://example.invalid/simple",
      /Invalid index name `my index`: " " is not allowed/,
    ],
    ["ïndex=https://example.invalid/simple", /Invalid index name `ïndex`/],
    ["name=", /the URL is empty/],
  ];
  for (const [value, message] of badIndexes) {
    test(`--index ${JSON.stringify(value)} is a usage error`, async () => {
      const run = await compile(["pkg"], ["--index", value]);
      assert.equal(run.status, 2, run.stderr);
      assert.match(run.stderr, message);
    });
  }

  test("a URL with `=` in its query is not taken for NAME=URL", async () => {
    const run = await compile(["pkg"], ["--index", `${first.indexUrl}?a=b`, "-i", second.indexUrl]);
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(pins(run.stdout), ["pkg==3.0"]);
  });

  test("a bad NAME in PUFFIN_INDEX is an error naming it", async () => {
    const run = await compile(["pkg"], [], { PUFFIN_INDEX: "a/b=https://example.invalid/" });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /Invalid index name `a\/b`/);
  });

  test("--default-index and --index-url together are a usage error", async () => {
    const run = await compile(["pkg"], ["--default-index", first.indexUrl, "-i", second.indexUrl]);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /--default-index.*cannot be used with.*--index-url/);
  });

  test("--no-index wins over --index, in either order", async () => {
    for (const args of [
      ["--no-index", "--index", first.indexUrl],
      ["--index", first.indexUrl, "--no-index"],
    ]) {
      const run = await compile(["pkg"], args);
      assert.equal(run.status, 1, run.stderr);
      assert.doesNotMatch(run.stderr, /pkg==/);
    }
  });
});
