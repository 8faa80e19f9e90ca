import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import {
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
} from "node:fs";
import { join, relative } from "node:path";
import { describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { extractSdist } from "../../src/build/sdist-archive.ts";
import { decompressedChunks } from "../../src/build/tar-decompression.ts";
import { type ArchiveLimits, type ErrorCode, PuffinError } from "../../src/support/index.ts";
import { WHOLE_READ_LIMIT } from "../../src/zip/archive.ts";
import { type TarEntry, tarWithTypeFlag, writeTar, writeTarGz } from "../support/tar-writer.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { deflatedZeros } from "../support/zip-bomb.ts";
import { writeZip, type ZipWriterEntry } from "../support/zip-writer.ts";

const root = testDirectory("sdist-archive");
let counter = 0;

/** Writes `bytes` as `name` and extracts it into a fresh directory. */
async function extract(
  name: string,
  bytes: Uint8Array,
  limits?: ArchiveLimits,
): Promise<{ tree: string; into: string }> {
  counter += 1;
  const archive = join(root, `${counter}-${name}`);
  writeFileSync(archive, bytes);
  const into = join(root, `out-${counter}`);
  mkdirSync(into);
  return { tree: await extractSdist(archive, into, { display: name, limits }), into };
}

async function refused(
  name: string,
  bytes: Uint8Array,
  code: ErrorCode,
  pattern: RegExp,
  limits?: ArchiveLimits,
) {
  await assert.rejects(extract(name, bytes, limits), (error: unknown) => {
    assert.ok(error instanceof PuffinError);
    assert.equal(error.code, code);
    assert.match(
      error.message + String((error.cause as Error | undefined)?.message ?? ""),
      pattern,
    );
    return true;
  });
}

/** A tar with one entry whose type flag is replaced (devices, FIFOs: not in the tar writer). */
describe("extracting source distributions", () => {
  test("a .tar.gz: the single top-level directory is the source tree, modes and safe links kept", async () => {
    const { tree, into } = await extract(
      "pkg-1.0.tar.gz",
      writeTarGz([
        { name: "pkg-1.0/", type: "directory" },
        { name: "pkg-1.0/setup.py", data: "print('hi')\n" },
        { name: "pkg-1.0/bin/run", data: "#!/bin/sh\n", mode: 0o755 },
        { name: "pkg-1.0/pkg/__init__.py", data: "" },
        { name: "pkg-1.0/pkg/alias.py", type: "symlink", linkname: "__init__.py" },
        { name: "pkg-1.0/docs/up.py", type: "symlink", linkname: "../pkg/__init__.py" },
      ]),
    );
    assert.equal(tree, join(into, "pkg-1.0"));
    assert.equal(readFileSync(join(tree, "setup.py"), "utf8"), "print('hi')\n");
    assert.equal(lstatSync(join(tree, "bin/run")).mode & 0o111, 0o111);
    assert.equal(readlinkSync(join(tree, "pkg/alias.py")), "__init__.py");
  });

  test("a .zip, and an archive without one top-level directory is its own tree", async () => {
    const zip = await extract(
      "pkg-1.0.zip",
      writeZip([
        { name: "pkg-1.0/setup.py", data: "x = 1\n" },
        { name: "pkg-1.0/tool.sh", data: "#!/bin/sh\n", mode: 0o100755 },
      ]),
    );
    assert.equal(zip.tree, join(zip.into, "pkg-1.0"));
    assert.equal(readFileSync(join(zip.tree, "setup.py"), "utf8"), "x = 1\n");
    assert.equal(lstatSync(join(zip.tree, "tool.sh")).mode & 0o111, 0o111);

    const flat = await extract(
      "flat-1.0.tar.gz",
      writeTarGz([
        { name: "setup.py", data: "" },
        { name: "flat/__init__.py", data: "" },
      ]),
    );
    assert.equal(flat.tree, flat.into);
  });

  const hostileTars: [string, TarEntry[] | Uint8Array, RegExp][] = [
    ["a `..` path", [{ name: "pkg-1.0/../../evil.py", data: "x" }], /`\.\.` component/],
    ["an absolute path", [{ name: "/tmp/evil.py", data: "x" }], /absolute path/],
    [
      "a symlink out of the tree",
      [{ name: "pkg-1.0/link", type: "symlink", linkname: "../../../etc/passwd" }],
      /symbolic link to "..\/..\/..\/etc\/passwd"/,
    ],
    [
      "an absolute symlink",
      [{ name: "pkg-1.0/link", type: "symlink", linkname: "/etc/passwd" }],
      /symbolic link/,
    ],
    [
      "a hard link out of the tree",
      [{ name: "pkg-1.0/link", type: "hardlink", linkname: "../outside" }],
      /hard link/,
    ],
    ["a character device", tarWithTypeFlag("pkg-1.0/tty", "3"), /CharacterDevice/],
    ["a FIFO", tarWithTypeFlag("pkg-1.0/pipe", "6"), /FIFO/],
  ];
  for (const [what, entries, pattern] of hostileTars) {
    test(`a .tar.gz with ${what} is refused and nothing of it escapes`, async () => {
      const bytes = entries instanceof Uint8Array ? entries : writeTarGz(entries);
      const before = readdirSync(root).length;
      await refused("evil-1.0.tar.gz", bytes, "sdist-unsafe-entry", pattern);
      // Only the archive and its extraction directory were added next to the others.
      assert.equal(readdirSync(root).length, before + 2);
      assert.ok(!readdirSync(root).includes("evil.py"));
    });
  }

  test("a .zip with `..` or a symlink entry is refused", async () => {
    await refused(
      "evil-1.0.zip",
      writeZip([{ name: "../evil.py", data: "x" }]),
      "sdist-unsafe-entry",
      /evil/,
    );
    await refused(
      "evil-1.0.zip",
      writeZip([{ name: "pkg/link", data: "/etc/passwd", mode: 0o120777 }]),
      "sdist-unsafe-entry",
      /symbolic link/,
    );
  });

  const unsupported: [string, ErrorCode, RegExp][] = [
    ["pkg-1.0.tar.zst", "sdist-unsupported-compression", /no zstd decompressor/],
    ["pkg-1.0.tar.lz", "sdist-unsupported-compression", /no lzip decompressor/],
    ["pkg-1.0.rar", "sdist-unknown-format", /not a source distribution archive/],
  ];
  for (const [name, code, pattern] of unsupported) {
    test(`${name} fails with ${code}`, async () => {
      await refused(name, new Uint8Array(10), code, pattern);
    });
  }

  test("a corrupt .tar.gz fails with sdist-invalid", async () => {
    await refused(
      "bad-1.0.tar.gz",
      gzipSync(Buffer.from("not a tar at all".repeat(40))),
      "sdist-invalid",
      /Failed to extract/,
    );
  });

  test("a .tgz is a .tar.gz", async () => {
    const { tree, into } = await extract(
      "pkg-1.0.tgz",
      writeTarGz([{ name: "pkg-1.0/setup.py", data: "x = 1\n" }]),
    );
    assert.equal(tree, join(into, "pkg-1.0"));
    assert.equal(readFileSync(join(tree, "setup.py"), "utf8"), "x = 1\n");
  });
});

const MiB = 1024 * 1024;
/** Small limits, so that a bomb in miniature (a few MiB of zeros) is past them. */
const SMALL: ArchiveLimits = { maxSize: MiB, maxEntries: 5 };

/** A tar bomb in miniature: an entry of 2 MiB of zeros between two small files. */
const bombEntries: TarEntry[] = [
  { name: "bomb-1.0/setup.py", data: "x = 1\n" },
  { name: "bomb-1.0/zeros.bin", data: new Uint8Array(2 * MiB) },
  { name: "bomb-1.0/after.py", data: "after\n" },
];

/** What is under `dir`, relative and sorted, directories with a trailing `/`. */
function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((entry) => {
      const path = relative(dir, join(entry.parentPath, entry.name));
      return entry.isDirectory() ? `${path}/` : path;
    })
    .sort();
}

/** `refused`, also giving the directory the archive was being extracted into. */
async function refusedIn(
  name: string,
  bytes: Uint8Array,
  code: ErrorCode,
  pattern: RegExp,
  limits?: ArchiveLimits,
): Promise<{ into: string }> {
  await refused(name, bytes, code, pattern, limits);
  return { into: join(root, `out-${counter}`) };
}

/** `.tar.*` formats that Node.js cannot decompress itself, compressed by the system's tools. */
const COMPRESSED: { extension: string; tool: string; args: string[]; what: RegExp }[] = [
  { extension: "tar.bz2", tool: "bzip2", args: ["-c"], what: /bzip2 data/ },
  { extension: "tbz", tool: "bzip2", args: ["-c"], what: /bzip2 data/ },
  { extension: "tar.xz", tool: "xz", args: ["-c"], what: /xz data/ },
  { extension: "txz", tool: "xz", args: ["-c"], what: /xz data/ },
  { extension: "tar.lzma", tool: "xz", args: ["--format=lzma", "-c"], what: /LZMA data/ },
  { extension: "tlz", tool: "xz", args: ["--format=lzma", "-c"], what: /LZMA data/ },
];

function compress(tool: string, args: string[], bytes: Uint8Array): Uint8Array {
  return execFileSync(tool, args, { input: bytes, maxBuffer: 64 << 20 });
}

for (const { extension, tool, args, what } of COMPRESSED) {
  const present = spawnSync(tool, ["--version"]).status === 0;
  const skip = present ? false : `no \`${tool}\` command on this machine to make the archives`;
  describe(`a .${extension} source distribution`, { skip }, () => {
    test("extracts like a .tar.gz: top-level directory, modes, safe links", async () => {
      const { tree, into } = await extract(
        `pkg-1.0.${extension}`,
        compress(
          tool,
          args,
          writeTar([
            { name: "pkg-1.0/", type: "directory" },
            { name: "pkg-1.0/setup.py", data: "print('hi')\n" },
            { name: "pkg-1.0/bin/run", data: "#!/bin/sh\n", mode: 0o755 },
            { name: "pkg-1.0/pkg/__init__.py", data: "" },
            { name: "pkg-1.0/pkg/alias.py", type: "symlink", linkname: "__init__.py" },
          ]),
        ),
      );
      assert.equal(tree, join(into, "pkg-1.0"));
      assert.equal(readFileSync(join(tree, "setup.py"), "utf8"), "print('hi')\n");
      assert.equal(lstatSync(join(tree, "bin/run")).mode & 0o111, 0o111);
      assert.equal(readlinkSync(join(tree, "pkg/alias.py")), "__init__.py");
    });

    test("a large archive (several MB, many decoder blocks) comes out whole", async () => {
      // Pseudo-random text compresses poorly, so it spans many bzip2 blocks and xz chunks.
      let seed = 7;
      const big = Buffer.alloc(3 << 20);
      for (let i = 0; i < big.length; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        big[i] = 97 + ((seed >>> 24) % 26);
      }
      const { tree } = await extract(
        `big-1.0.${extension}`,
        compress(
          tool,
          args,
          writeTar([
            { name: "big-1.0/data.txt", data: big },
            { name: "big-1.0/after.py", data: "last\n" },
          ]),
        ),
      );
      assert.ok(readFileSync(join(tree, "data.txt")).equals(big));
      assert.equal(readFileSync(join(tree, "after.py"), "utf8"), "last\n");
    });

    test("an entry with `..` or an outside symlink is refused and nothing escapes", async () => {
      for (const [entries, pattern] of [
        [[{ name: "pkg-1.0/../../evil.py", data: "x" }], /`\.\.` component/],
        [[{ name: "pkg-1.0/link", type: "symlink", linkname: "/etc/passwd" }], /symbolic link/],
      ] as [TarEntry[], RegExp][]) {
        const before = readdirSync(root).length;
        await refused(
          `evil-1.0.${extension}`,
          compress(tool, args, writeTar(entries)),
          "sdist-unsafe-entry",
          pattern,
        );
        assert.equal(readdirSync(root).length, before + 2);
        assert.ok(!readdirSync(root).includes("evil.py"));
      }
    });

    test("an entry past the size limit stops the extraction (a tar bomb)", async () => {
      const bytes = compress(tool, args, writeTar(bombEntries));
      const { into } = await refusedIn(
        `bomb-1.0.${extension}`,
        bytes,
        "archive-too-large",
        /^Refusing to extract bomb-1\.0\.\S+: it unpacks to more than 1048576 bytes$/,
        SMALL,
      );
      // What came before the bomb may be there (LZMA-alone is decoded whole first: nothing is).
      const written = listTree(into);
      assert.ok(!written.includes("bomb-1.0/zeros.bin") && !written.includes("bomb-1.0/after.py"));
    });

    test("a truncated or corrupt file fails with sdist-invalid naming the file", async () => {
      const whole = compress(
        tool,
        args,
        writeTar([{ name: "pkg-1.0/setup.py", data: "print('hi')\n".repeat(2000) }]),
      );
      const truncated = whole.subarray(0, Math.floor(whole.length / 2));
      const corrupt = Buffer.from(whole);
      corrupt.fill(0x55, 20, 60);
      for (const bytes of [truncated, corrupt]) {
        await assert.rejects(extract(`bad-1.0.${extension}`, bytes), (error: unknown) => {
          assert.ok(error instanceof PuffinError);
          assert.equal(error.code, "sdist-invalid");
          assert.match(error.message, new RegExp(`bad-1\\.0\\.${extension.replace(".", "\\.")}`));
          assert.match(error.message, what);
          return true;
        });
      }
    });
  });
}

describe("an LZMA-alone archive, decoded in memory", {
  skip: spawnSync("xz", ["--version"]).status === 0 ? false : "no `xz` command on this machine",
}, () => {
  test("is refused past the size limit (a small file must not exhaust memory)", async () => {
    // 4 MiB of zeros compresses to a few hundred bytes: a bomb in miniature.
    const archive = join(root, "bomb-1.0.tar.lzma");
    writeFileSync(archive, compress("xz", ["--format=lzma", "-c"], Buffer.alloc(4 << 20)));
    const drain = async (lzmaLimit: number) => {
      let bytes = 0;
      const chunks = decompressedChunks(archive, "lzma", { display: "bomb", lzmaLimit });
      for await (const chunk of chunks) bytes += chunk.length;
      return bytes;
    };
    assert.equal(await drain(4 << 20), 4 << 20);
    await assert.rejects(drain(1 << 20), (error: unknown) => {
      assert.ok(error instanceof PuffinError);
      assert.equal(error.code, "sdist-too-large");
      assert.match(error.message, /Failed to extract bomb: .* more than 1048576 bytes/);
      return true;
    });
  });

  test("is held to the archive size limit when that is lower (archive-too-large)", async () => {
    const archive = join(root, "capped-1.0.tar.lzma");
    writeFileSync(archive, compress("xz", ["--format=lzma", "-c"], Buffer.alloc(4 << 20)));
    const drain = async (maxSize: number) => {
      let bytes = 0;
      for await (const chunk of decompressedChunks(archive, "lzma", { display: "capped", maxSize }))
        bytes += chunk.length;
      return bytes;
    };
    assert.equal(await drain(4 << 20), 4 << 20);
    await assert.rejects(drain(1 << 20), {
      code: "archive-too-large",
      message: "Refusing to extract capped: it unpacks to more than 1048576 bytes",
    });
  });
});

describe("source distributions: archive limits", () => {
  test("a .tar.gz bomb is refused at the entry past the limit, nothing after it written", async () => {
    const { into } = await refusedIn(
      "bomb-1.0.tar.gz",
      writeTarGz(bombEntries),
      "archive-too-large",
      /^Refusing to extract bomb-1\.0\.tar\.gz: it unpacks to more than 1048576 bytes$/,
      SMALL,
    );
    assert.deepEqual(listTree(into), ["bomb-1.0/", "bomb-1.0/setup.py"]);
  });

  test("the refusal names the environment variable to raise", async () => {
    await assert.rejects(extract("bomb-1.0.tar", writeTar(bombEntries), SMALL), (error) => {
      assert.ok(error instanceof PuffinError);
      assert.equal(error.code, "archive-too-large");
      assert.match(error.hint ?? "", /PUFFIN_MAX_ARCHIVE_SIZE/);
      return true;
    });
  });

  test("a tar with more entries than the limit is refused at the first one past it", async () => {
    const entries: TarEntry[] = [{ name: "many-1.0/", type: "directory" }];
    for (let i = 0; i < 10; i++) entries.push({ name: `many-1.0/f${i}.py`, data: "" });
    const { into } = await refusedIn(
      "many-1.0.tar.gz",
      writeTarGz(entries),
      "archive-too-many-entries",
      /^Refusing to extract many-1\.0\.tar\.gz: it holds more than 5 members$/,
      SMALL,
    );
    assert.equal(listTree(into).length, 5);
  });

  test("a tar within the limits extracts", async () => {
    const { tree } = await extract(
      "fits-1.0.tar.gz",
      writeTarGz([
        { name: "fits-1.0/", type: "directory" },
        { name: "fits-1.0/a.bin", data: new Uint8Array(MiB - 10) },
        { name: "fits-1.0/b.txt", data: "0123456789" },
      ]),
      { maxSize: MiB, maxEntries: 3 },
    );
    assert.equal(readFileSync(join(tree, "b.txt"), "utf8"), "0123456789");
  });

  test("a .zip whose members declare more than the limit is refused before writing", async () => {
    const { into } = await refusedIn(
      "bomb-1.0.zip",
      writeZip(bombEntries.map(({ name, data }) => ({ name, data: data ?? "" }))),
      "archive-too-large",
      /^Refusing to extract bomb-1\.0\.zip: its members declare 2097164 bytes in all, more than the limit of 1048576$/,
      SMALL,
    );
    assert.deepEqual(listTree(into), []);
  });

  test("a .zip with more entries than the limit is refused before writing", async () => {
    const entries = Array.from({ length: 6 }, (_, i) => ({ name: `many-1.0/f${i}.py`, data: "" }));
    const { into } = await refusedIn(
      "many-1.0.zip",
      writeZip(entries),
      "archive-too-many-entries",
      /^Refusing to extract many-1\.0\.zip: it holds 6 members, more than the limit of 5$/,
      SMALL,
    );
    assert.deepEqual(listTree(into), []);
  });

  test("a large .zip member is streamed to disk", async () => {
    const { tree } = await extract(
      "big-1.0.zip",
      writeZip([
        { name: "big-1.0/zeros.bin", deflated: deflatedZeros(3 * WHOLE_READ_LIMIT) },
        { name: "big-1.0/setup.py", data: "x = 1\n" },
      ]),
    );
    assert.equal(lstatSync(join(tree, "zeros.bin")).size, 3 * WHOLE_READ_LIMIT);
    assert.equal(readFileSync(join(tree, "setup.py"), "utf8"), "x = 1\n");
  });

  test("a .zip member that inflates past its declared size is refused", async () => {
    await refused(
      "liar-1.0.zip",
      writeZip([
        {
          name: "liar-1.0/zeros.bin",
          deflated: deflatedZeros(8 * MiB),
          tamper: { uncompressedSize: 1000 },
        },
      ]),
      "zip-invalid",
      /"liar-1\.0\/zeros\.bin" inflates to more than the 1000 bytes/,
      SMALL,
    );
  });
});

describe("source distributions: two entries on one path", () => {
  const zips: [string, ZipWriterEntry[], RegExp][] = [
    [
      "a file, then a file inside it",
      [
        { name: "pkg-1.0/a", data: "x" },
        { name: "pkg-1.0/a/b", data: "y" },
      ],
      /^Cannot extract pkg-1\.0\.zip: entry "pkg-1\.0\/a\/b" is inside "pkg-1\.0\/a", which the archive also holds as a file$/,
    ],
    [
      "a directory, then a file of its name",
      [
        { name: "pkg-1.0/a/", mode: 0o040755 },
        { name: "pkg-1.0/a", data: "y" },
      ],
      /entry "pkg-1\.0\/a" is a file, but the archive also holds "pkg-1\.0\/a" as a directory/,
    ],
  ];
  for (const [what, entries, pattern] of zips) {
    test(`a .zip with ${what} is refused before writing`, async () => {
      const { into } = await refusedIn(
        "pkg-1.0.zip",
        writeZip(entries),
        "sdist-path-conflict",
        pattern,
      );
      assert.deepEqual(listTree(into), []);
    });
  }

  const tars: [string, TarEntry[], RegExp][] = [
    [
      "a file, then a file inside it",
      [
        { name: "pkg-1.0/a", data: "x" },
        { name: "pkg-1.0/a/b", data: "y" },
      ],
      /^Cannot extract pkg-1\.0\.tar\.gz: entry "pkg-1\.0\/a\/b" is inside "pkg-1\.0\/a", which the archive also holds as a file$/,
    ],
    [
      "a file where a directory is",
      [
        { name: "pkg-1.0/a/b", data: "x" },
        { name: "pkg-1.0/a", data: "y" },
      ],
      /entry "pkg-1\.0\/a" is a file, but the archive also holds "pkg-1\.0\/a" as a directory/,
    ],
    [
      "a file named twice",
      [
        { name: "pkg-1.0/a", data: "x" },
        { name: "./pkg-1.0/a", data: "y" },
      ],
      /entry "\.\/pkg-1\.0\/a" is a file, but the archive holds "pkg-1\.0\/a" more than once/,
    ],
    [
      "a file written through a symlink of the archive",
      [
        { name: "pkg-1.0/sub/", type: "directory" },
        { name: "pkg-1.0/link", type: "symlink", linkname: "sub" },
        { name: "pkg-1.0/link/file.py", data: "y" },
      ],
      /entry "pkg-1\.0\/link\/file\.py" is inside "pkg-1\.0\/link", which the archive also holds as a file/,
    ],
  ];
  for (const [what, entries, pattern] of tars) {
    test(`a .tar.gz with ${what} is refused, nothing after it written`, async () => {
      const { into } = await refusedIn(
        "pkg-1.0.tar.gz",
        writeTarGz([...entries, { name: "pkg-1.0/after.py", data: "" }]),
        "sdist-path-conflict",
        pattern,
      );
      assert.ok(!listTree(into).includes("pkg-1.0/after.py"));
    });
  }

  test("directories named more than once, and links inside the tree, are fine", async () => {
    const { tree } = await extract(
      "pkg-1.0.tar.gz",
      writeTarGz([
        { name: "pkg-1.0/", type: "directory" },
        { name: "pkg-1.0/pkg/", type: "directory" },
        { name: "pkg-1.0/pkg/__init__.py", data: "x = 1\n" },
        { name: "pkg-1.0/pkg/", type: "directory" },
        { name: "pkg-1.0/hard.py", type: "hardlink", linkname: "pkg-1.0/pkg/__init__.py" },
        { name: "pkg-1.0/soft.py", type: "symlink", linkname: "pkg/__init__.py" },
      ]),
    );
    assert.equal(readFileSync(join(tree, "hard.py"), "utf8"), "x = 1\n");
    assert.equal(readlinkSync(join(tree, "soft.py")), "pkg/__init__.py");
  });
});
