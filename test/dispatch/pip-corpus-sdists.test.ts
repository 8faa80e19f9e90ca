// pip's own test sdists (test/corpora/pip/packages, from pypa/pip's tests/data/packages) through
// `puffin pip install` / `pip compile` with `--no-index --find-links` at them plus the real
// setuptools and wheel wheels of test/corpora/build-backends for the build environments, into
// real venvs of a pyenv Python 3.12. Each case states what pip 23.2 does with the same
// find-links directories (`python -m pip install --no-index --find-links … X`): Puffin installs
// what pip installs, and where pip fails, Puffin fails with exit 1 and a message that names the
// file and says what went wrong.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { cacheProblems } from "../support/cache-audit.ts";
import { pyenvPythons } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";

const python = pyenvPythons().find((p) => p.minor[0] === 3 && p.minor[1] === 12);
const skip = python === undefined ? "no pyenv Python 3.12 on this machine" : false;
const packages = join(import.meta.dirname, "..", "corpora", "pip", "packages");
const backends = join(import.meta.dirname, "..", "corpora", "build-backends");
const root = testDirectory("pip-corpus");
const cacheDir = join(root, "cache");
const env = { PATH: process.env["PATH"] };
const FIND_LINKS = ["--no-index", "--find-links", packages, "--find-links", backends];

/** `puffin ARGS` with the shared cache. */
function puffin(...args: string[]) {
  return runPuffin(["--cache-dir", cacheDir, ...args], { env, cwd: root });
}

/** `PUFFIN pip install ARGS` into the venv whose python is `target`. */
function install(target: string, ...args: string[]) {
  return puffin("pip", "install", "--python", target, ...FIND_LINKS, ...args);
}

async function freeze(target: string): Promise<string[]> {
  const run = await puffin("pip", "freeze", "--python", target);
  assert.equal(run.status, 0, run.stderr);
  return run.stdout.trim().split("\n").filter(Boolean).sort();
}

/** A failure pip also reports: what is asked, and what the message must say. */
interface FailureCase {
  readonly what: string;
  readonly args: readonly string[];
  /** pip 23.2's outcome, for the record. */
  readonly pip: string;
  readonly says: readonly (string | RegExp)[];
}

const FAILURES: readonly FailureCase[] = [
  {
    what: "broken (the newest, 0.2+broken, has an invalid version in setup.py)",
    args: ["broken"],
    pip: "exit 1: getting requirements to build wheel failed, InvalidVersion '0.2broken'",
    says: [
      "`broken-0.2+broken.tar.gz`",
      "`get_requires_for_build_wheel`",
      "Invalid version: '0.2broken'",
    ],
  },
  {
    what: "brokenegginfo (setup.py fails on egg_info)",
    args: ["brokenegginfo"],
    pip: "exit 1: getting requirements to build wheel failed, FakeError",
    says: [
      "`brokenegginfo-0.1.tar.gz`",
      "`get_requires_for_build_wheel`",
      "FakeError: this package designed to fail on egg_info",
    ],
  },
  {
    what: "wheelbroken (setup.py fails on bdist_wheel)",
    args: ["wheelbroken"],
    pip: "exit 1: Failed building wheel for wheelbroken, FakeError",
    says: [
      "`wheelbroken-0.1.tar.gz`",
      "`build_wheel`",
      "FakeError: this package designed to fail on bdist_wheel",
    ],
  },
  {
    what: "wheelbrokenafter (setup.py fails after bdist_wheel)",
    args: ["wheelbrokenafter"],
    pip: "exit 1: Failed building wheel for wheelbrokenafter, FakeError",
    says: [
      "`wheelbrokenafter-0.1.tar.gz`",
      "`build_wheel`",
      "FakeError: this package designed to fail AFTER bdist_wheel",
    ],
  },
  {
    what: "pep518_forkbomb (its build requires itself)",
    args: ["pep518_forkbomb"],
    pip: "exit 1: LookupError … is already being built (in a nested pip subprocess)",
    says: [
      "Cyclic build dependency",
      "(pep518-forkbomb → pep518-forkbomb)",
      "a wheel of `pep518-forkbomb` breaks the cycle",
    ],
  },
  {
    what: "pep518_twin_forkbombs (each one's build requires the other)",
    args: ["pep518_twin_forkbombs_first"],
    pip: "exit 1: LookupError … is already being built, two nested pip subprocesses deep",
    says: [
      "Cyclic build dependency",
      "(pep518-twin-forkbombs-first → pep518-twin-forkbombs-second → pep518-twin-forkbombs-first)",
    ],
  },
  {
    what: "duplicate (an empty .tar.gz)",
    args: ["duplicate"],
    pip: "exit 2: a traceback, tarfile.ReadError: empty file",
    says: ["Failed to extract `duplicate-1.0.tar.gz`: the file is empty"],
  },
  {
    what: "an empty .tar.gz given as a path",
    args: [join(packages, "duplicate-1.0.tar.gz")],
    pip: "exit 2: a traceback, tarfile.ReadError: empty file",
    says: [`Failed to extract ${join(packages, "duplicate-1.0.tar.gz")}: the file is empty`],
  },
];

describe("pip's test sdists, as pip handles them", { skip }, () => {
  let venvs: RealVenvs;

  before(async () => {
    venvs = await RealVenvs.of(python!.executable, root);
  });

  test("the buildable ones install as with pip, and import", async () => {
    // pip installs each of these (one `pip install` per line of the list in this test's
    // history): simple==2.0; TopoRequires4 (the diamond of four sdists); pep518 (build
    // requirement simplewheel==2.0 from find-links); pep518_with_extra_and_markers (a build
    // requirement with an extra, and markers); requiresupper → Upper 2.0 (name case);
    // parent + child (overlapping packages); singlemodule (the .tar.gz of the three archives);
    // broken==0.1 (distutils setup.py); require_simple → simple>=2.0.
    const target = await venvs.create("ok");
    const run = await install(
      target,
      "simple==2.0",
      "TopoRequires4",
      "pep518",
      "pep518_with_extra_and_markers",
      "requiresupper",
      "parent",
      "child",
      "singlemodule",
      "broken==0.1",
      "require_simple",
    );
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(await freeze(target), [
      "broken==0.1",
      "child==0.1",
      "parent==0.1",
      "pep518-with-extra-and-markers==1.0",
      "pep518==3.0",
      "require-simple==1.0",
      "requiresupper==1.0",
      "simple==2.0",
      "singlemodule==0.0.1",
      "toporequires2==0.0.1",
      "toporequires3==0.0.1",
      "toporequires4==0.0.1",
      "toporequires==0.0.1",
      "upper==2.0",
    ]);
    const imported = execFileSync(
      target,
      [
        "-c",
        "import simple, toporequires, toporequires4, pep518, pep518_with_extra_and_markers, requiresupper, upper, parent.a, child.a, parent.plugins.child_plugin, singlemodule, broken, require_simple; print('ok')",
      ],
      { encoding: "utf8" },
    );
    assert.equal(imported.trim(), "ok");
  });

  for (const archive of ["singlemodule-0.0.1.tar.xz", "singlemodule-0.0.1.tar.lzma"]) {
    test(`${archive} given as a path installs as with pip, and imports`, async () => {
      // pip 23.2 installs both: Python's lzma reads xz and the legacy LZMA-alone format.
      const target = await venvs.create(archive.slice(archive.lastIndexOf(".") + 1));
      const run = await install(target, join(packages, archive));
      assert.equal(run.status, 0, run.stderr);
      // A path install is frozen as its direct URL, as pip freeze shows it.
      assert.deepEqual(await freeze(target), [
        `singlemodule @ ${pathToFileURL(join(packages, archive)).href}`,
      ]);
      const imported = execFileSync(target, ["-c", "import singlemodule; print('ok')"], {
        encoding: "utf8",
      });
      assert.equal(imported.trim(), "ok");
    });
  }

  test("pip compile picks the newest versions pip would (simple 3.0 for require_simple)", async () => {
    const target = await venvs.create("compile");
    const run = await runPuffin(
      ["--cache-dir", cacheDir, "pip", "compile", "-", "--no-header", "--no-annotate"].concat(
        ["--python", target],
        FIND_LINKS,
      ),
      { env, cwd: root, stdin: "require_simple\nsimple2\nUpper\n" },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(run.stdout.trim().split("\n"), [
      "require-simple==1.0",
      "simple==3.0",
      "simple2==3.0",
      "upper==2.0",
    ]);
  });

  test("the broken ones fail with exit 1 and a message naming the file and the failure", async () => {
    const target = await venvs.create("failing");
    const runs = await Promise.all(FAILURES.map((failure) => install(target, ...failure.args)));
    FAILURES.forEach((failure, i) => {
      const run = runs[i]!;
      assert.equal(run.status, 1, `${failure.what} (pip: ${failure.pip}):\n${run.stderr}`);
      for (const expected of failure.says) {
        if (typeof expected === "string") {
          assert.ok(run.stderr.includes(expected), `${failure.what}: ${expected}\n${run.stderr}`);
        } else {
          assert.match(run.stderr, expected, failure.what);
        }
      }
    });
    assert.deepEqual(await freeze(target), []);
    // A failed build leaves no built-wheel entry (nor temp files or locks) behind.
    assert.deepEqual(cacheProblems(cacheDir), []);
  });
});
