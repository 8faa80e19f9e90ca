// `puffin pip compile --python-platform` and `--generate-hashes` across platforms (and `pip
// install --python-platform --dry-run`), end to end against a loopback index: the target's markers choose the platform-only dependencies, its tags
// the versions that have a wheel for it; the hashes of a pin cover every platform's files, and a
// hash file made on one platform installs with --require-hashes.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { promisify } from "node:util";
import { IndexServer } from "../../support/index-server.ts";
import { pyenvPythons } from "../../support/pyenv-pythons.ts";
import { RealVenvs } from "../../support/real-venv.ts";
import { runPuffin } from "../../support/run-puffin.ts";
import { buildSdist } from "../../support/sdist-builder.ts";
import { testDirectory } from "../../support/temp-dir.ts";
import { buildWheel } from "../../support/wheel-builder.ts";

// A CPython 3.11 on x86-64 Linux: the `multi` package below has a wheel for it.
const python = pyenvPythons().find((p) => p.minor[0] === 3 && p.minor[1] === 11);
const skip =
  python === undefined || process.arch !== "x64" || process.platform !== "linux"
    ? "no pyenv CPython 3.11 on x86-64 Linux on this machine"
    : false;
const root = testDirectory("pip-compile-python-platform");
const env = { PUFFIN_CACHE_DIR: join(root, "cache"), PATH: "/usr/bin:/bin" };

const pure = (name: string, version: string, requiresDist: string[] = []) =>
  buildWheel({ name, version, requiresDist });
const native = (version: string, tags: string) => buildWheel({ name: "native", version, tags });
/** One version with a wheel for macOS, Windows, Linux CPython 3.11 and 3.12, and an sdist. */
const multi = [
  buildWheel({ name: "multi", version: "1.0", tags: "cp311-cp311-macosx_11_0_arm64" }),
  buildWheel({ name: "multi", version: "1.0", tags: "cp311-cp311-win_amd64" }),
  buildWheel({
    name: "multi",
    version: "1.0",
    tags: "cp311-cp311-manylinux_2_17_x86_64",
    files: { "multi/__init__.py": "FLAVOUR = 'linux-cp311'\n" },
  }),
  buildWheel({ name: "multi", version: "1.0", tags: "cp312-cp312-manylinux_2_17_x86_64" }),
  buildSdist({ name: "multi", version: "1.0" }),
];
const run = promisify(execFile);
const sha256 = (file: { sha256: string }) => `sha256:${file.sha256}`;

describe("puffin pip compile --python-platform, --generate-hashes", { skip }, () => {
  let server: IndexServer;
  before(async () => {
    server = await IndexServer.start({
      files: [
        pure("app", "1.0", [
          "native",
          'colorama; sys_platform == "win32"',
          'appnope; platform_system == "Darwin"',
          'uvloop; sys_platform == "linux" and platform_machine == "x86_64"',
        ]),
        pure("colorama", "0.4.6"),
        pure("appnope", "0.1.4"),
        pure("uvloop", "0.19.0"),
        // 1.0 has a wheel for every platform; 2.0 for glibc 2.17 Linux only; 3.0 for glibc 2.28.
        native("1.0", "cp311-cp311-macosx_11_0_arm64"),
        native("1.0", "cp311-cp311-win_amd64"),
        native("1.0", "cp311-cp311-manylinux_2_17_x86_64"),
        native("2.0", "cp311-cp311-manylinux_2_17_x86_64"),
        native("3.0", "cp311-cp311-manylinux_2_28_x86_64"),
        ...multi,
      ],
    });
  });
  after(() => server.close());

  const compile = (args: string[]) =>
    runPuffin(["pip", "compile", ...args, "--python", python!.executable, "-i", server.indexUrl], {
      cwd: root,
      env,
    });
  const write = (name: string, text: string) => writeFileSync(join(root, name), text);

  test("the target's markers pick the platform's dependencies, its tags the versions", async () => {
    write("app.in", "app\n");
    const expected: [string, string][] = [
      ["windows", "app==1.0\ncolorama==0.4.6\nnative==1.0\n"],
      ["x86_64-pc-windows-msvc", "app==1.0\ncolorama==0.4.6\nnative==1.0\n"],
      ["macos", "app==1.0\nappnope==0.1.4\nnative==1.0\n"],
      ["linux", "app==1.0\nnative==3.0\nuvloop==0.19.0\n"],
      ["x86_64-manylinux2014", "app==1.0\nnative==2.0\nuvloop==0.19.0\n"],
      ["manylinux_2_17_x86_64", "app==1.0\nnative==2.0\nuvloop==0.19.0\n"],
    ];
    for (const [platform, pins] of expected) {
      const run = await compile([
        "app.in",
        "--python-platform",
        platform,
        "--no-header",
        "--no-annotate",
      ]);
      assert.equal(run.status, 0, `${platform}: ${run.stderr}`);
      assert.equal(run.stdout, pins, platform);
    }
    // No version of `native` has a wheel for arm64 Linux: the report says which tags it has.
    const arm = await compile(["app.in", "--python-platform", "aarch64-unknown-linux-gnu"]);
    assert.equal(arm.status, 1);
    assert.match(arm.stderr, /native.*cp311-cp311-manylinux_2_28_aarch64/s);
    // The header repeats the option, as any other.
    const headed = await compile(["app.in", "--python-platform", "windows"]);
    assert.match(
      headed.stdout,
      /^# {4}puffin pip compile app\.in --python-platform windows --python /m,
    );
  });

  test("--python-platform with --python-version: both the platform and the Python are the target's", async () => {
    write("multi.in", "multi\n");
    const run = await compile([
      "multi.in",
      "--python-platform",
      "windows",
      "--python-version",
      "3.11",
      "--no-header",
      "--no-annotate",
    ]);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, "multi==1.0\n");
  });

  test("an unknown platform is a usage error (exit 2) that lists the accepted names", async () => {
    write("any.in", "app\n");
    const run = await compile(["any.in", "--python-platform", "freebsd"]);
    assert.equal(run.status, 2);
    assert.equal(run.stdout, "");
    assert.match(
      run.stderr,
      /^error: option '--python-platform <PYTHON_PLATFORM>' argument 'freebsd' is invalid\. Allowed choices are windows, linux, macos, x86_64-pc-windows-msvc, .*x86_64-manylinux_2_40, .*aarch64-manylinux_2_40\.\n/,
    );
  });

  test("--generate-hashes lists every platform's files of the pin; --only-binary leaves the sdist out", async () => {
    write("hashes.in", "multi\n");
    const all = multi.map(sha256).sort();
    const hashesOf = (stdout: string) =>
      [...stdout.matchAll(/--hash=(sha256:[0-9a-f]{64})/g)].map((m) => m[1]);
    const here = await compile(["hashes.in", "--generate-hashes", "--no-header"]);
    assert.equal(here.status, 0, here.stderr);
    assert.deepEqual(hashesOf(here.stdout), all);
    assert.match(here.stdout, /^multi==1\.0 \\\n/);
    // The same list wherever it is made.
    const elsewhere = await compile([
      "hashes.in",
      "--generate-hashes",
      "--no-header",
      "--python-platform",
      "macos",
    ]);
    assert.equal(elsewhere.status, 0, elsewhere.stderr);
    assert.equal(elsewhere.stdout, here.stdout);

    const binary = await compile([
      "hashes.in",
      "--generate-hashes",
      "--no-header",
      "--only-binary",
      ":all:",
    ]);
    assert.equal(binary.status, 0, binary.stderr);
    const sdist = sha256(multi[4]!);
    assert.deepEqual(
      hashesOf(binary.stdout),
      all.filter((h) => h !== sdist),
    );
  });

  test("a hash file made for macOS installs on Linux with --require-hashes", async () => {
    write("locked.in", "multi\n");
    const made = await compile([
      "locked.in",
      "--generate-hashes",
      "--python-platform",
      "macos",
      "-o",
      "locked.txt",
      "-q",
    ]);
    assert.equal(made.status, 0, made.stderr);
    const venvs = await RealVenvs.of(python!.executable, root);
    const venv = await venvs.create("locked");
    const puffin = (args: string[]) =>
      runPuffin(["pip", ...args, "--python", venv], { cwd: root, env });
    const synced = await puffin([
      "sync",
      "locked.txt",
      "--require-hashes",
      "--index-url",
      server.indexUrl,
    ]);
    assert.equal(synced.status, 0, synced.stderr);
    assert.match(synced.stderr, / \+ multi==1\.0\n$/);
    assert.equal((await puffin(["freeze"])).stdout, "multi==1.0\n");
    // The one file of the five that fits this interpreter, checked against the listed hashes.
    const flavour = await run(venv, ["-c", "import multi; print(multi.FLAVOUR)"]);
    assert.equal(flavour.stdout, "linux-cp311\n");
  });

  test("pip install --python-platform --dry-run: what would be installed there", async () => {
    const venvs = await RealVenvs.of(python!.executable, root);
    const venv = await venvs.create("dry");
    const dry = await runPuffin(
      [
        "pip",
        "install",
        "app",
        "--python-platform",
        "windows",
        "--dry-run",
        "--python",
        venv,
        "--index-url",
        server.indexUrl,
      ],
      { cwd: root, env },
    );
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(
      dry.stderr,
      /Would install 3 packages\n \+ app==1\.0\n \+ colorama==0\.4\.6\n \+ native==1\.0\n$/,
    );
    const unknown = await runPuffin(
      ["pip", "install", "app", "--python-platform", "solaris", "--python", venv],
      { cwd: root, env },
    );
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /argument 'solaris' is invalid\. Allowed choices are windows, /);
  });
});
