// Hostile archives through `puffin pip install <file>`, each into a fresh environment: wheels and
// source distributions whose members climb out with `..`, name absolute or drive paths, carry
// backslashes or NUL, link out of the tree, collide, inflate past their size or past the limits,
// disagree with their RECORD, or would replace the environment's interpreter through `.data/` or
// an entry point; and the shared corpus's hostile tars, zips and wheel. Every one must be refused
// with an `error:` (exit 1, no stack trace), the environment unchanged, and no file written
// anywhere outside the cache: the figures are tried / refused / files written outside.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { reportFigures } from "../support/reliability.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { type TarEntry, tarWithTypeFlag, writeTarGz } from "../support/tar-writer.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { writeZip, type ZipWriterEntry } from "../support/zip-writer.ts";

const python = newestPyenvPython();
const skip = python === undefined ? "no pyenv Python 3.8+ on this machine" : false;
const root = testDirectory("reliability-hostile-archives");
/** Everything a run may touch lives under `world`; hostile absolute paths aim at `outside`. */
const world = join(root, "world");
const outside = join(world, "outside");
const cacheDir = join(world, "cache");
const corpus = new URL("../corpora/zip/distlib/", import.meta.url).pathname;
const climb = "../".repeat(12);
/** Paths outside `world` the corpus's archives aim at (`/tmp/file5.txt`, `/tmp/poc`). */
const CORPUS_TARGETS = ["/tmp/file5.txt", "/tmp/poc", "/tmp/file4.txt"];

const S_IFLNK = 0o120000;
const recordHash = (data: Uint8Array) =>
  `sha256=${createHash("sha256").update(data).digest("base64url")}`;

/**
 * `evil-1.0-py3-none-any.whl` with a valid `.dist-info` (METADATA, WHEEL, RECORD listing every
 * member with its real hash) around `members`, so the hostile part is the only thing wrong.
 */
function wheel(
  members: readonly ZipWriterEntry[],
  options: { entryPoints?: string; unlisted?: string } = {},
): Uint8Array {
  const entries: ZipWriterEntry[] = [
    { name: "evil/__init__.py", data: "" },
    ...members,
    {
      name: "evil-1.0.dist-info/METADATA",
      data: "Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n",
    },
    {
      name: "evil-1.0.dist-info/WHEEL",
      data: "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    },
  ];
  if (options.entryPoints !== undefined) {
    entries.push({ name: "evil-1.0.dist-info/entry_points.txt", data: options.entryPoints });
  }
  const rows = entries
    .filter((entry) => entry.name !== options.unlisted)
    .map((entry) => {
      const data = Buffer.from(entry.data ?? "");
      return `${JSON.stringify(entry.name)},${recordHash(data)},${data.length}\n`;
    });
  rows.push("evil-1.0.dist-info/RECORD,,\n");
  entries.push({ name: "evil-1.0.dist-info/RECORD", data: rows.join("") });
  return writeZip(entries);
}

/** `evil-1.0.tar.gz`: a setuptools project under `evil-1.0/` around `members`. */
function sdist(members: readonly TarEntry[]): Uint8Array {
  return writeTarGz([
    {
      name: "evil-1.0/pyproject.toml",
      data: '[project]\nname = "evil"\nversion = "1.0"\n',
    },
    { name: "evil-1.0/PKG-INFO", data: "Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n" },
    ...members,
  ]);
}

interface Case {
  readonly what: string;
  /** The file as `pip install` is given it, and its bytes (or a corpus file to copy). */
  readonly filename: string;
  readonly bytes: Uint8Array | { readonly corpus: string };
  /** What the error says. */
  readonly error: RegExp;
  readonly env?: Record<string, string>;
}

const WHEEL = "evil-1.0-py3-none-any.whl";
const SDIST = "evil-1.0.tar.gz";
const CASES: readonly Case[] = [
  {
    what: "a wheel member climbing out with ..",
    filename: WHEEL,
    bytes: wheel([{ name: "../pwned.py", data: "x" }]),
    error: /unsafe|\.\./,
  },
  {
    what: "a wheel member climbing out from a subdirectory",
    filename: WHEEL,
    bytes: wheel([{ name: `evil/${climb}${outside.slice(1)}/pwned.py`, data: "x" }]),
    error: /unsafe|\.\./,
  },
  {
    what: "a wheel member with an absolute path",
    filename: WHEEL,
    bytes: wheel([{ name: `${outside}/pwned.py`, data: "x" }]),
    error: /unsafe|absolute/,
  },
  {
    what: "a wheel member with a drive path",
    filename: WHEEL,
    bytes: wheel([{ name: "C:/pwned.py", data: "x" }]),
    error: /unsafe|drive/,
  },
  {
    what: "a wheel member with backslashes climbing out",
    filename: WHEEL,
    bytes: wheel([{ name: "..\\..\\pwned.py", data: "x" }]),
    error: /unsafe|backslash/,
  },
  {
    what: "a wheel member with a NUL in its name",
    filename: WHEEL,
    bytes: wheel([{ name: "evil/pw\0ned.py", data: "x" }]),
    error: /unsafe|NUL/,
  },
  {
    what: "a wheel symlink out of the tree, then a member through it",
    filename: WHEEL,
    bytes: wheel([
      { name: "evil/link", data: outside, mode: S_IFLNK | 0o777 },
      { name: "evil/link/pwned.py", data: "x" },
    ]),
    error: /link|unsafe|one path|collid/i,
  },
  {
    what: "a wheel with one member twice",
    filename: WHEEL,
    bytes: wheel([
      { name: "evil/twice.py", data: "first" },
      { name: "evil/twice.py", data: "second" },
    ]),
    error: /more than one entry named/,
  },
  {
    what: "a wheel with a file and a directory on one path",
    filename: WHEEL,
    bytes: wheel([
      { name: "evil/a", data: "file" },
      { name: "evil/a/b.py", data: "x" },
    ]),
    error: /one path|collid|both/i,
  },
  {
    what: "a wheel member that inflates past its declared size",
    filename: WHEEL,
    bytes: wheel([
      { name: "evil/bomb.py", data: "#".repeat(100_000), tamper: { uncompressedSize: 10 } },
    ]),
    error: /size|inflate|RECORD/i,
  },
  {
    what: "a wheel past PUFFIN_MAX_ARCHIVE_SIZE",
    filename: WHEEL,
    bytes: wheel([{ name: "evil/big.py", data: "#".repeat(2_000_000) }]),
    env: { PUFFIN_MAX_ARCHIVE_SIZE: "1MB" },
    error: /PUFFIN_MAX_ARCHIVE_SIZE/,
  },
  {
    what: "a wheel with more members than PUFFIN_MAX_ARCHIVE_ENTRIES",
    filename: WHEEL,
    bytes: wheel(Array.from({ length: 30 }, (_, i) => ({ name: `evil/m${i}.py`, data: "" }))),
    env: { PUFFIN_MAX_ARCHIVE_ENTRIES: "20" },
    error: /PUFFIN_MAX_ARCHIVE_ENTRIES/,
  },
  {
    what: "a wheel member its RECORD does not list",
    filename: WHEEL,
    bytes: wheel([{ name: "evil/hidden.py", data: "x" }], { unlisted: "evil/hidden.py" }),
    error: /RECORD does not list/,
  },
  {
    what: "a .data/purelib member climbing out",
    filename: WHEEL,
    bytes: wheel([{ name: `evil-1.0.data/purelib/${climb}pwned.py`, data: "x" }]),
    error: /unsafe|\.\./,
  },
  {
    what: "a .data/scripts file named python",
    filename: WHEEL,
    bytes: wheel([{ name: "evil-1.0.data/scripts/python", data: "#!/bin/sh\necho pwned\n" }]),
    error: /python|protected|interpreter/i,
  },
  {
    what: "a .data/data file replacing bin/python3",
    filename: WHEEL,
    bytes: wheel([{ name: "evil-1.0.data/data/bin/python3", data: "#!/bin/sh\n" }]),
    error: /python3|protected|interpreter/i,
  },
  {
    what: "a .data/data file replacing pyvenv.cfg",
    filename: WHEEL,
    bytes: wheel([{ name: "evil-1.0.data/data/pyvenv.cfg", data: "home = /nowhere\n" }]),
    error: /pyvenv\.cfg/,
  },
  {
    what: "a console script named python",
    filename: WHEEL,
    bytes: wheel([], { entryPoints: "[console_scripts]\npython = evil:main\n" }),
    error: /python|protected|interpreter/i,
  },
  {
    what: "a console script named activate",
    filename: WHEEL,
    bytes: wheel([], { entryPoints: "[console_scripts]\nactivate = evil:main\n" }),
    error: /activate/,
  },
  {
    what: "a console script whose name is a path",
    filename: WHEEL,
    bytes: wheel([], { entryPoints: `[console_scripts]\n${climb}pwned = evil:main\n` }),
    error: /entry point|name/i,
  },
  {
    what: "an sdist member climbing out with ..",
    filename: SDIST,
    bytes: sdist([{ name: "evil-1.0/../../pwned.py", data: "x" }]),
    error: /\.\./,
  },
  {
    what: "an sdist member with an absolute path",
    filename: SDIST,
    bytes: sdist([{ name: `${outside}/pwned.py`, data: "x" }]),
    error: /absolute/,
  },
  {
    what: "an sdist symlink out of the tree, then a member through it",
    filename: SDIST,
    bytes: sdist([
      { name: "evil-1.0/link", type: "symlink", linkname: `${climb}${outside.slice(1)}` },
      { name: "evil-1.0/link/pwned.py", data: "x" },
    ]),
    error: /symbolic link/,
  },
  {
    what: "an sdist hard link to a file outside",
    filename: SDIST,
    bytes: sdist([{ name: "evil-1.0/link", type: "hardlink", linkname: "/etc/passwd" }]),
    error: /hard link/,
  },
  {
    what: "an sdist with a character device",
    filename: SDIST,
    bytes: tarWithTypeFlag("evil-1.0/tty", "3"),
    error: /CharacterDevice/,
  },
  {
    what: "an sdist with a FIFO",
    filename: SDIST,
    bytes: tarWithTypeFlag("evil-1.0/pipe", "6"),
    error: /FIFO/,
  },
  {
    what: "an sdist past PUFFIN_MAX_ARCHIVE_SIZE (a tar bomb)",
    filename: SDIST,
    bytes: sdist([{ name: "evil-1.0/bomb.bin", data: new Uint8Array(3_000_000) }]),
    env: { PUFFIN_MAX_ARCHIVE_SIZE: "1MB" },
    error: /PUFFIN_MAX_ARCHIVE_SIZE/,
  },
  {
    what: "a zip sdist with a file and a directory on one path",
    filename: "evil-1.0.zip",
    bytes: writeZip([
      { name: "evil-1.0/pyproject.toml", data: "" },
      { name: "evil-1.0/a", data: "file" },
      { name: "evil-1.0/a/b", data: "x" },
    ]),
    error: /one path|both|collid/i,
  },
  {
    what: "distlib's bad.zip (../file4.txt) as an sdist",
    filename: "bad-1.0.zip",
    bytes: { corpus: "bad.zip" },
    error: /\.\.|unsafe/,
  },
  {
    what: "distlib's bad.tar (../file4.txt, /tmp/file5.txt) as an sdist",
    filename: "bad-1.0.tar",
    bytes: { corpus: "bad.tar" },
    error: /\.\.|absolute/,
  },
  {
    what: "distlib's bad.tar.gz as an sdist",
    filename: "bad-1.0.tar.gz",
    bytes: { corpus: "bad.tar.gz" },
    error: /\.\.|absolute/,
  },
  {
    what: "distlib's bad.tar.bz2 as an sdist",
    filename: "bad-1.0.tar.bz2",
    bytes: { corpus: "bad.tar.bz2" },
    error: /\.\.|absolute/,
  },
  {
    what: "distlib's evil.tar.gz (a file written through a symlink to /tmp)",
    filename: "evil-1.0.tar.gz",
    bytes: { corpus: "evil.tar.gz" },
    error: /symbolic link/,
  },
  {
    what: "distlib's evilpkg wheel (../../../victim/PWNED_LIB.py)",
    filename: "evilpkg-1.0-py3-none-any.whl",
    bytes: { corpus: "evilpkg-1.0-py3-none-any.whl" },
    error: /unsafe|\.\./,
  },
];

/** Every path under `dir` (files, links, directories), relative, sorted. */
function listing(dir: string, skipTop: readonly string[] = []): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .filter((path) => !skipTop.includes(path.split("/")[0]!))
    .sort();
}

let venvs: RealVenvs;

describe("hostile archives are refused, and nothing escapes", { skip }, () => {
  before(async () => {
    mkdirSync(outside, { recursive: true });
    venvs = await RealVenvs.of(python!.executable, root);
  });

  test(`${CASES.length} hostile archives`, async (t) => {
    const preexisting = CORPUS_TARGETS.filter((path) => existsSync(path));
    const mtimes = new Map(preexisting.map((path) => [path, statSync(path).mtimeMs]));
    let refused = 0;
    const escaped: string[] = [];
    const wrong: string[] = [];
    for (const [index, each] of CASES.entries()) {
      const dir = join(world, "archives", String(index));
      mkdirSync(dir, { recursive: true });
      const archive = join(dir, each.filename);
      if (each.bytes instanceof Uint8Array) writeFileSync(archive, each.bytes);
      else copyFileSync(join(corpus, each.bytes.corpus), archive);
      const py = await venvs.create(`venv-${index}`);
      const venv = join(root, `venv-${index}`);
      const before = { world: listing(world, ["cache", "archives"]), venv: listing(venv) };
      const result = await runPuffin(
        ["--cache-dir", cacheDir, "pip", "install", archive, "--python", py],
        { env: { PATH: "/usr/bin:/bin", HOME: world, ...each.env }, cwd: dir },
      );
      const problems = [
        result.status === 1 ? "" : `exit ${result.status}`,
        /^error: /m.test(result.stderr) ? "" : "no error: line",
        each.error.test(result.stderr) ? "" : `no ${each.error}`,
        /^\s+at /m.test(result.stderr) ? "a stack trace" : "",
        listing(venv).join() === before.venv.join() ? "" : "the environment changed",
        listing(dir).join() === each.filename ? "" : "wrote next to the archive",
      ].filter((problem) => problem !== "");
      if (problems.length === 0) refused++;
      else wrong.push(`${each.what}: ${problems.join(", ")}\n${result.stderr}`);
      for (const path of listing(world, ["cache", "archives"])) {
        if (!before.world.includes(path)) escaped.push(`${each.what}: ${path}`);
      }
      for (const path of CORPUS_TARGETS) {
        if (existsSync(path) && mtimes.get(path) !== statSync(path).mtimeMs) {
          escaped.push(`${each.what}: ${path}`);
        }
      }
    }
    assert.deepEqual(wrong, []);
    assert.deepEqual(escaped, []);
    reportFigures(t, import.meta.filename, {
      tried: CASES.length,
      refused,
      "files written outside": escaped.length,
    });
  });
});
