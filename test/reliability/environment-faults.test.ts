// The machine's faults as a careless environment makes them — a full disk, a read-only file
// system, a directory the user may not write — each reported as one `error:` naming the path
// and the problem, exit status 1, no stack trace, and nothing half-written left behind.
//
// A full or read-only disk is a small tmpfs of the test's own (root only: skipped with the
// reason elsewhere). Permission denied cannot be staged for root, whom `chmod` does not stop:
// those runs start the built bin as the unprivileged user `nobody` (uid 65534) instead.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { before, describe, test } from "node:test";
import { failureStatus } from "../../src/cli/cli-context.ts";
import { Printer } from "../../src/cli/printer.ts";
import { BIN, NOT_BUILT } from "../support/built-package.ts";
import { fakeProbeAnswer, writeAnsweringPython } from "../support/fake-python.ts";
import { writeFakeVenv } from "../support/fake-venv.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { directoryIn, smallFilesystem } from "../support/small-filesystem.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { writeWheel } from "../support/wheel-builder.ts";

const root = testDirectory("env-faults");
const links = join(root, "links");
const cacheDir = join(root, "cache");
const env = { PUFFIN_CACHE_DIR: cacheDir, PATH: "/usr/bin:/bin" };

/** Every path under `directory` (relative, sorted), to compare before and after. */
function tree(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { recursive: true, encoding: "utf8" })
    .map((path) => relative(directory, join(directory, path)))
    .sort();
}

/** Temp names of `writeFileAtomic` / `createTempDirectory` left anywhere under `directory`. */
function leftovers(directory: string): string[] {
  return tree(directory).filter((path) => path.includes(".puffin-tmp-"));
}

/** Exit 1, an `error:` line matching `first`, no stack trace. */
function assertReported(run: { status: number | null; stderr: string }, first: RegExp): void {
  assert.equal(run.status, 1, run.stderr);
  assert.match(run.stderr, first);
  assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace");
}

before(() => {
  mkdirSync(links);
  writeWheel(links, { name: "small", version: "1.0", files: { "small/__init__.py": "x = 1\n" } });
  writeFileSync(join(root, "requirements.in"), "small\n");
});

const install = (python: string, extraEnv: Record<string, string> = {}) =>
  runPuffin(["pip", "install", "small", "-p", python, "--no-index", "--find-links", links], {
    cwd: root,
    env: { ...env, ...extraEnv },
  });

const disk = smallFilesystem("env-faults", 1024);

describe("a full disk", { skip: typeof disk === "string" ? disk : false }, () => {
  const fs = disk as Exclude<typeof disk, string>;

  test("pip compile -o FILE: the path and the problem; the previous FILE intact", async () => {
    const venv = writeFakeVenv(join(root, "compile-venv"));
    const output = join(directoryIn(fs, "out"), "requirements.txt");
    writeFileSync(output, "# the previous lock\nsmall==0.9\n");
    fs.fill();
    try {
      const run = await runPuffin(
        [
          "pip",
          "compile",
          "requirements.in",
          "-o",
          output,
          "-p",
          venv.python,
          "--no-index",
          "--find-links",
          links,
        ],
        { cwd: root, env: { ...env, PUFFIN_CACHE_DIR: join(root, "compile-cache") } },
      );
      assertReported(
        run,
        new RegExp(`^error: Failed to write ${output}: no space left on device \\(ENOSPC\\)$`, "m"),
      );
      assert.match(run.stderr, /^hint: The disk is full/m);
      assert.equal(readFileSync(output, "utf8"), "# the previous lock\nsmall==0.9\n");
      assert.deepEqual(leftovers(fs.path), []);
    } finally {
      fs.unfill();
    }
  });

  test("the cache on a full disk: names the cache path, points at --cache-dir, no partial entry", async () => {
    const venv = writeFakeVenv(join(root, "cache-full-venv"));
    const cache = directoryIn(fs, "cache");
    const before = tree(venv.location);
    fs.fill();
    try {
      const run = await install(venv.python, { PUFFIN_CACHE_DIR: cache });
      assertReported(
        run,
        new RegExp(`Failed to write ${cache}/\\S+: no space left on device \\(ENOSPC\\)$`, "m"),
      );
      assert.match(run.stderr, /^hint: .*--cache-dir.*PUFFIN_CACHE_DIR/m);
      assert.deepEqual(leftovers(cache), []);
      assert.deepEqual(tree(venv.location), before, "the environment is untouched");
    } finally {
      fs.unfill();
    }
  });

  test("room for the cache's entries but not for the wheel: no partial tree in the cache", async () => {
    const venv = writeFakeVenv(join(root, "unzip-full-venv"));
    const cache = directoryIn(fs, "unzip-cache");
    // Random bytes do not compress: unzipped, this wheel needs more than the whole disk.
    const big = Buffer.alloc(1536 * 1024);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
    const wheels = join(root, "big-links");
    mkdirSync(wheels);
    writeWheel(wheels, { name: "big", version: "1.0", files: { "big/data.bin": big } });
    const run = await runPuffin(
      ["pip", "install", "big", "-p", venv.python, "--no-index", "--find-links", wheels],
      { cwd: root, env: { ...env, PUFFIN_CACHE_DIR: cache } },
    );
    assertReported(run, /no space left on device \(ENOSPC\)$/m);
    assert.match(run.stderr, new RegExp(`^( {2}Caused by: )?.*${cache}`, "m"), "names the cache");
    assert.deepEqual(leftovers(cache), []);
    assert.equal(existsSync(join(venv.sitePackages, "big")), false);
  });
});

const readOnly = smallFilesystem("env-faults-ro", 1024);

describe("a read-only file system", {
  skip: typeof readOnly === "string" ? readOnly : false,
}, () => {
  const fs = readOnly as Exclude<typeof readOnly, string>;

  test("pip install into a read-only environment: says so, changes nothing", async () => {
    const venv = writeFakeVenv(join(fs.path, "venv"));
    const before = tree(venv.location);
    fs.readOnly();
    try {
      const run = await install(venv.python);
      assertReported(
        run,
        new RegExp(
          `^error: Failed to \\S+.* ${venv.location}/\\S*: read-only file system \\(EROFS\\)$`,
          "m",
        ),
      );
      assert.match(run.stderr, /^hint: The environment is on a read-only file system/m);
      assert.deepEqual(tree(venv.location), before);
    } finally {
      fs.readOnly(false);
    }
  });

  test("puffin venv on a read-only file system", async () => {
    // A base interpreter (not a venv): its own executable is what the new venv links to.
    const python = join(root, "base-python", "bin", "python3.12");
    writeAnsweringPython(python, fakeProbeAnswer({ executable: python, version: "3.12.4" }));
    fs.readOnly();
    try {
      const location = join(fs.path, "new-venv");
      const run = await runPuffin(["venv", location, "-p", python], { cwd: root, env });
      assertReported(
        run,
        new RegExp(
          `^error: Failed to create the virtual environment at ${location}: read-only file system \\(EROFS\\)$`,
          "m",
        ),
      );
    } finally {
      fs.readOnly(false);
    }
  });

  test("the cache on a read-only file system points at --cache-dir or --no-cache", async () => {
    const venv = writeFakeVenv(join(root, "ro-cache-venv"));
    const cache = directoryIn(fs, "cache");
    fs.readOnly();
    try {
      const run = await install(venv.python, { PUFFIN_CACHE_DIR: cache });
      assertReported(run, new RegExp(`${cache}\\S*: read-only file system \\(EROFS\\)$`, "m"));
      assert.match(run.stderr, /^hint: Puffin's cache is on a read-only file system/m);
    } finally {
      fs.readOnly(false);
    }
  });
});

/** A cache directory anyone may write, `nobody` included. */
function sharedCache(name: string): string {
  const cache = join(root, name);
  mkdirSync(cache, { mode: 0o777 });
  chmodSync(cache, 0o777);
  return cache;
}

/** `pip install small` from the find-links directory into `python`'s environment. */
const installSmall = (python: string) => [
  ...["pip", "install", "small", "-p", python],
  ...["--no-index", "--find-links", links],
];

/** Runs the built bin as `nobody` with `cache`, or explains why it cannot. */
function asNobody(args: readonly string[], cache: string) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: root,
    env: { PUFFIN_CACHE_DIR: cache, PATH: "/usr/bin:/bin" },
    uid: 65534,
    gid: 65534,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  return new Promise<{ status: number | null; stderr: string }>((resolve) =>
    child.on("close", (status) => resolve({ status, stderr })),
  );
}

const nobodySkip =
  NOT_BUILT ||
  (process.getuid?.() !== 0
    ? "runs the bin as `nobody`, which needs root"
    : !/^\/(tmp|work)/.test(BIN)
      ? "the bin may not be readable by `nobody`"
      : false);

describe("permission denied", { skip: nobodySkip }, () => {
  test("pip install into an environment owned by someone else", async () => {
    // Readable by everyone, writable only by root; the cache is nobody's own.
    chmodSync(root, 0o755);
    const venv = writeFakeVenv(join(root, "root-owned-venv"));
    const cache = sharedCache("nobody-cache");
    const before = tree(venv.location);
    const run = await asNobody(installSmall(venv.python), cache);
    assertReported(
      run,
      new RegExp(
        `^error: Failed to \\S+.* ${venv.location}/\\S*: permission denied \\(EACCES\\)$`,
        "m",
      ),
    );
    assert.match(run.stderr, /^hint: Permission denied: check the ownership/m);
    assert.deepEqual(tree(venv.location), before);
  });

  test("a cache owned by someone else: names the cache path, points at --cache-dir", async () => {
    chmodSync(root, 0o755);
    const venv = writeFakeVenv(join(root, "foreign-cache-venv"));
    chmodSync(venv.location, 0o777);
    const cache = join(root, "root-owned-cache");
    mkdirSync(cache, { mode: 0o755 });
    const run = await asNobody(installSmall(venv.python), cache);
    assertReported(run, new RegExp(`${cache}/\\S+: permission denied \\(EACCES\\)$`, "m"));
    assert.match(run.stderr, /^hint: Check the ownership and permissions of Puffin's cache/m);
    assert.deepEqual(tree(cache), []);
  });

  test("site-packages alone not writable: the install is rolled back whole", async () => {
    chmodSync(root, 0o755);
    const venv = writeFakeVenv(join(root, "ro-site-venv"));
    chmodSync(venv.location, 0o777); // the lock can be taken…
    const cache = sharedCache("nobody-cache-2");
    const before = tree(venv.location);
    const run = await asNobody(installSmall(venv.python), cache);
    assertReported(run, /^error: Failed to install `small-1\.0-py3-none-any\.whl`$/m);
    assert.match(
      run.stderr,
      new RegExp(
        `^ {2}Caused by: Failed to \\S+.* ${venv.sitePackages}/\\S*: permission denied \\(EACCES\\)$`,
        "m",
      ),
    );
    assert.deepEqual(tree(venv.location), before, "…and released, and nothing else is left");
  });
});

describe("permission denied, uninstalling", { skip: nobodySkip }, () => {
  test("pip uninstall from a site-packages owned by someone else", async () => {
    chmodSync(root, 0o755);
    const venv = writeFakeVenv(join(root, "uninstall-venv"), ["small==1.0"]);
    chmodSync(venv.location, 0o777); // the lock can be taken, the files cannot be removed
    const cache = sharedCache("nobody-cache-3");
    const before = tree(venv.location);
    const run = await asNobody(["pip", "uninstall", "small", "-p", venv.python], cache);
    assertReported(run, /^error: Failed to uninstall `small==1\.0`$/m);
    assert.match(
      run.stderr,
      new RegExp(
        `^ {2}Caused by: Failed to remove ${venv.sitePackages}/small-1\\.0\\.dist-info(/\\S+)?: permission denied \\(EACCES\\)$`,
        "m",
      ),
    );
    assert.deepEqual(tree(venv.location), before);
  });
});

describe("an unexpected error", () => {
  const capture = () => {
    let stderr = "";
    const printer = new Printer(
      { stdout: { write: () => true }, stderr: { write: (text: string) => (stderr += text) } },
      0,
      false,
    );
    return { printer, stderr: () => stderr };
  };

  test("is one `error:` line without a stack trace, exit 2", () => {
    const { printer, stderr } = capture();
    const error = new TypeError("Cannot read properties of undefined (reading 'x')");
    assert.equal(failureStatus(error, printer), 2);
    assert.equal(stderr(), "error: Cannot read properties of undefined (reading 'x')\n");
  });

  test("a system fault that reached the command line raw is described, exit 1", () => {
    const { printer, stderr } = capture();
    const raw = Object.assign(new Error("ENOSPC: no space left on device, write"), {
      code: "ENOSPC",
      errno: -28,
      syscall: "write",
    });
    assert.equal(failureStatus(raw, printer), 1);
    assert.match(stderr(), /^error: Failed to write a file: no space left on device \(ENOSPC\)$/m);
  });
});
