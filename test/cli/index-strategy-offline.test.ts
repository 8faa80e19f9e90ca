// The benchmark set's pip pins against the machines' offline index, with pip's own index order
// (`--index-url /opt/pypi`, `--extra-index-url /opt/pypi-more`): Puffin consults the extra index
// first, so under first-index the pins of versions only /opt/pypi has fail, with the hint naming
// it; `--index-strategy unsafe-best-match` installs them. Skips where the offline index, the set
// or a pyenv Python 3.11 is absent.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { presentOfflineIndexes } from "../support/offline-index.ts";
import { pyenvPythons } from "../support/pyenv-pythons.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";

const python = pyenvPythons().find((p) => p.minor[0] === 3 && p.minor[1] === 11);
const pins = new URL("../../bench/sets/compiled/large.txt", import.meta.url).pathname;
const indexes = presentOfflineIndexes();
const FIND_LINKS = "/opt/wheels";
const skip =
  python === undefined
    ? "no pyenv Python 3.11 on this machine"
    : indexes.length < 2 || !existsSync(FIND_LINKS)
      ? "the offline index (/opt/pypi, /opt/pypi-more, /opt/wheels) is absent"
      : !existsSync(pins)
        ? "the large benchmark set is absent"
        : false;

describe("the large set's pip pins across the offline index's two trees", { skip }, () => {
  const root = testDirectory("index-strategy-offline");
  const env = { PUFFIN_CACHE_DIR: join(root, "cache") };
  const venv = join(root, "venv");
  const [primary, secondary] = indexes.map((path) => pathToFileURL(path).href);
  const install = (more: string[]) =>
    runPuffin(
      [
        "pip",
        "install",
        "--dry-run",
        "--python",
        venv,
        "-r",
        pins,
        "--index-url",
        primary!,
        "--extra-index-url",
        secondary!,
        "--find-links",
        FIND_LINKS,
        ...more,
      ],
      { cwd: root, env },
    );
  before(async () => {
    const made = await runPuffin(["venv", venv, "--python", python!.executable], { env });
    assert.equal(made.status, 0, made.stderr);
  });

  test("first-index fails on a version only the default index has, and says so", async () => {
    const run = await install([]);
    assert.equal(run.status, 1, run.stderr);
    assert.match(
      run.stderr,
      new RegExp(
        `hint: \`[a-z0-9-]+==[^\`]+\` is on ${primary}, which the first-index strategy did not consult for [a-z0-9-]+ \\(it was found first on ${secondary}\\); \`--index-strategy unsafe-best-match\` would consider it`,
      ),
    );
  });

  test("unsafe-best-match installs every pin (botocore==1.43.107 from /opt/pypi)", async () => {
    const run = await install(["--index-strategy", "unsafe-best-match"]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, / \+ botocore==1\.43\.107\n/);
    assert.match(run.stderr, / \+ scipy==1\.17\.1\n/);
  });
});
