import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { deflateRawSync } from "node:zlib";
import type { ErrorCode } from "../../src/support/index.ts";
import {
  BufferZipSource,
  FileZipSource,
  planTailRead,
  ZIP_TAIL_SIZE,
  ZipArchive,
  type ZipSource,
} from "../../src/zip/index.ts";
import { writeZip, type ZipWriterEntry } from "../support/zip-writer.ts";

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

/** A source that records the ranges asked of it. */
class CountingSource extends BufferZipSource {
  readonly reads: { offset: number; length: number }[] = [];
  override readSync(offset: number, length: number): Uint8Array {
    this.reads.push({ offset, length });
    return super.readSync(offset, length);
  }
}

/** An async-only source, like an HTTP range reader. */
function asyncOnly(bytes: Uint8Array): ZipSource {
  return {
    name: "https://user:secret@example.org/x.zip",
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, offset + length),
  };
}

function openBytes(bytes: Uint8Array, name = "test.zip") {
  return ZipArchive.openSync(new BufferZipSource(bytes, name));
}

function readAll(bytes: Uint8Array): Record<string, string> {
  const archive = openBytes(bytes);
  return Object.fromEntries(archive.entries.map((e) => [e.name, text(archive.readSync(e))]));
}

function code(expected: ErrorCode, message?: RegExp) {
  return (error: unknown) => {
    assert.equal((error as { code?: string }).code, expected, String(error));
    if (message !== undefined) assert.match((error as Error).message, message);
    return true;
  };
}

/** Every chunk of an iteration, concatenated. */
async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

const SAMPLE: ZipWriterEntry[] = [
  { name: "pkg/", mode: 0o040755 },
  { name: "pkg/__init__.py", data: "print('hi')\n".repeat(50) },
  { name: "pkg/stored.txt", data: "stored bytes", method: "stored" },
  { name: "pkg/empty.txt", data: "" },
  { name: "pkg/empty-stored.txt", data: "", method: "stored" },
  { name: "bin/tool", data: "#!/bin/sh\n", mode: 0o100755 },
  { name: "link", data: "pkg/__init__.py", mode: 0o120777, method: "stored" },
  { name: "café/naïve.txt", data: "unicode name" },
];

describe("ZipArchive: reading what a writer wrote", () => {
  const bytes = writeZip(SAMPLE, { comment: "an archive comment" });

  it("lists entries in central directory order with names, sizes and modes", () => {
    const archive = openBytes(bytes);
    assert.deepEqual(
      archive.entries.map((e) => e.name),
      SAMPLE.map((e) => e.name),
    );
    const byName = (n: string) => archive.findEntry(n)!;
    assert.equal(byName("pkg/").isDirectory, true);
    assert.equal(byName("pkg/__init__.py").method, 8);
    assert.equal(byName("pkg/stored.txt").method, 0);
    assert.equal(byName("pkg/__init__.py").uncompressedSize, 600);
    assert.equal(byName("bin/tool").unixMode, 0o100755);
    assert.equal(byName("link").isSymlink, true);
    assert.equal(byName("bin/tool").isSymlink, false);
    assert.equal(archive.findEntry("missing"), undefined);
    assert.equal(text(archive.comment), "an archive comment");
  });

  it("returns every entry's bytes, sync and async, from buffers and files", async () => {
    const expected = Object.fromEntries(
      SAMPLE.map((e) => [e.name, typeof e.data === "string" ? e.data : ""]),
    );
    assert.deepEqual(readAll(bytes), expected);
    const asyncArchive = await ZipArchive.open(asyncOnly(bytes));
    for (const entry of asyncArchive.entries) {
      assert.equal(text(await asyncArchive.read(entry)), expected[entry.name]);
    }
    const dir = mkdtempSync(join(tmpdir(), "puffin-zip-"));
    try {
      const path = join(dir, "x.zip");
      writeFileSync(path, bytes);
      using file = FileZipSource.open(path);
      const archive = await ZipArchive.open(file);
      for (const entry of archive.entries) {
        assert.equal(text(await archive.read(entry)), expected[entry.name]);
        const syncArchive = ZipArchive.openSync(file);
        assert.equal(
          text(syncArchive.readSync(syncArchive.findEntry(entry.name)!)),
          expected[entry.name],
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a file source with read-ahead serves small reads from windows, views staying valid", () => {
    const bytes = Buffer.alloc(300_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 9)) & 0xff;
    const dir = mkdtempSync(join(tmpdir(), "puffin-zip-"));
    try {
      const path = join(dir, "x.bin");
      writeFileSync(path, bytes);
      using file = FileZipSource.open(path, { name: "x.bin", readAhead: 64 * 1024 });
      assert.equal(file.name, "x.bin");
      const first = file.readSync(10, 100);
      const reads: [number, number][] = [
        [200, 1000], // in the first window
        [65_000, 2000], // across its end: a new window
        [5, 10], // before the current window
        [100_000, 40_000], // more than half a window: read directly
        [299_990, 10], // at the end of the file
      ];
      for (const [offset, length] of reads) {
        const got = file.readSync(offset, length);
        assert.ok(Buffer.from(got).equals(bytes.subarray(offset, offset + length)), `${offset}`);
      }
      assert.ok(Buffer.from(first).equals(bytes.subarray(10, 110)), "an earlier view is intact");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("decodes names without the UTF-8 flag as code page 437, as Python's zipfile does", () => {
    // 0x82 0x94 in cp437 is "éö"; as UTF-8 it would be invalid.
    const raw = new Uint8Array([0x82, 0x94, 0x2e, 0x74, 0x78, 0x74]);
    const archive = openBytes(writeZip([{ name: "ignored", rawName: raw, data: "x" }]));
    assert.equal(archive.entries[0]!.name, "éö.txt");
    assert.equal(text(archive.readSync(archive.entries[0]!)), "x");
  });

  it("reads ZIP64 archives (end record locator, record, extra fields)", () => {
    assert.deepEqual(readAll(writeZip(SAMPLE.slice(1, 4), { zip64: true })), {
      "pkg/__init__.py": "print('hi')\n".repeat(50),
      "pkg/stored.txt": "stored bytes",
      "pkg/empty.txt": "",
    });
  });

  it("accepts bytes before the first entry (self-extractor stubs)", () => {
    const prefixed = writeZip(SAMPLE.slice(1, 3), { prefix: Buffer.from("#!stub\n") });
    assert.equal(readAll(prefixed)["pkg/stored.txt"], "stored bytes");
  });

  it("finds the end record behind a maximal comment that itself contains a signature", () => {
    const comment = "PK\x05\x06".padEnd(0xffff, "c");
    const archive = openBytes(writeZip(SAMPLE.slice(1, 3), { comment }));
    assert.equal(archive.comment.length, 0xffff);
    assert.equal(text(archive.readSync(archive.findEntry("pkg/stored.txt")!)), "stored bytes");
  });

  it("reads a central directory listed out of file order", () => {
    const bytes = writeZip(SAMPLE, { centralOrder: [7, 6, 5, 4, 3, 2, 1, 0] });
    const archive = openBytes(bytes);
    assert.equal(archive.entries[0]!.name, "café/naïve.txt");
    assert.deepEqual(readAll(bytes), readAll(writeZip(SAMPLE)));
  });

  it("reads the empty archive", () => {
    assert.deepEqual(openBytes(writeZip([])).entries, []);
  });
});

describe("ZipArchive: tail-read planning", () => {
  it("plans the last ZIP_TAIL_SIZE bytes, or the whole of a smaller archive", () => {
    assert.deepEqual(planTailRead(1_000_000), {
      offset: 1_000_000 - ZIP_TAIL_SIZE,
      length: ZIP_TAIL_SIZE,
    });
    assert.deepEqual(planTailRead(100), { offset: 0, length: 100 });
    assert.deepEqual(planTailRead(100, 30), { offset: 70, length: 30 });
  });

  it("opens a small archive with one read and serves entries in the tail without another", () => {
    const source = new CountingSource(writeZip(SAMPLE));
    const archive = ZipArchive.openSync(source);
    archive.readSync(archive.findEntry("pkg/__init__.py")!);
    assert.deepEqual(source.reads, [{ offset: 0, length: source.size }]);
  });

  it("reads the central directory, then each entry, once each when the tail is short", () => {
    const big = "x".repeat(200_000);
    const bytes = writeZip([{ name: "big.bin", data: big, method: "stored" }, ...SAMPLE.slice(1)]);
    const source = new CountingSource(bytes);
    const archive = ZipArchive.openSync(source, { tailSize: 64 });
    assert.equal(source.reads.length, 2, "tail, then central directory");
    assert.equal(text(archive.readSync(archive.findEntry("big.bin")!)), big);
    assert.equal(source.reads.length, 3, "one read for header and data");
    assert.ok(source.reads[2]!.length < big.length + 1024);
  });
});

describe("ZipArchive: refusing broken and hostile archives", () => {
  const one = (entry: Partial<ZipWriterEntry>) =>
    writeZip([
      { name: "a.txt", data: "hello hello hello", ...entry },
      { name: "b.txt", data: "b" },
    ]);
  const readFirst = (bytes: Uint8Array, maxSize?: number) => {
    const archive = openBytes(bytes);
    return archive.readSync(archive.entries[0]!, maxSize === undefined ? {} : { maxSize });
  };

  const openCases: [string, Uint8Array, ErrorCode, RegExp][] = [
    [
      "an empty file",
      new Uint8Array(0),
      "zip-invalid",
      /test\.zip is not a valid zip archive: it is only 0 bytes/,
    ],
    [
      "text, not a zip",
      Buffer.from("x".repeat(100)),
      "zip-invalid",
      /no end of central directory record/,
    ],
    [
      "bytes after the end record",
      writeZip(SAMPLE, { suffix: Buffer.from("junk") }),
      "zip-invalid",
      /no end of central/,
    ],
    [
      "a truncated head (central directory offset beyond)",
      writeZip(SAMPLE).subarray(40),
      "zip-invalid",
      /does not end where/,
    ],
    [
      "a parent-directory name",
      one({ name: "../evil.py" }),
      "zip-unsafe-name",
      /"\.\.\/evil\.py".*`\.\.` component/,
    ],
    ["a nested parent-directory name", one({ name: "a/../../b" }), "zip-unsafe-name", /`\.\.`/],
    ["an absolute name", one({ name: "/etc/passwd" }), "zip-unsafe-name", /absolute path/],
    ["a drive-letter name", one({ name: "C:/x" }), "zip-unsafe-name", /drive letter/],
    ["a backslash", one({ name: "a\\..\\b" }), "zip-unsafe-name", /backslash/],
    ["a NUL", one({ name: "a\0.py" }), "zip-unsafe-name", /NUL/],
    ["an empty name", one({ name: "" }), "zip-unsafe-name", /empty/],
    [
      "invalid UTF-8 flagged as UTF-8",
      one({ rawName: new Uint8Array([0xff, 0xfe]), tamper: { flags: 0x800 } }),
      "zip-invalid",
      /not valid UTF-8/,
    ],
    [
      "two entries with one name",
      writeZip([
        { name: "a", data: "1" },
        { name: "a", data: "2" },
      ]),
      "zip-duplicate-entry",
      /more than one entry named "a"/,
    ],
    [
      "overlapping entries",
      writeZip([
        { name: "a", data: "1" },
        { name: "b", data: "2", tamper: { headerOffsetOf: 0 } },
      ]),
      "zip-invalid",
      /overlap/,
    ],
    [
      "a size running into the central directory",
      one({ name: "c.txt", tamper: { compressedSize: 10_000 } }),
      "zip-invalid",
      /overlap|runs into/,
    ],
  ];
  for (const [what, bytes, expected, message] of openCases) {
    it(`refuses ${what} when opening`, () => {
      assert.throws(() => openBytes(bytes), code(expected, message));
    });
  }

  const readCases: [string, Uint8Array, ErrorCode, RegExp][] = [
    [
      "an encrypted entry",
      one({ tamper: { flags: 1 } }),
      "zip-encrypted",
      /"a\.txt" of test\.zip: it is encrypted/,
    ],
    ["bzip2", one({ tamper: { method: 12 } }), "zip-unsupported-method", /method 12 \(bzip2\)/],
    ["a CRC mismatch", one({ tamper: { crc32: 1234 } }), "zip-invalid", /fails its CRC-32 check/],
    [
      "more data than declared (deflate)",
      one({ tamper: { uncompressedSize: 5 } }),
      "zip-invalid",
      /inflates to more than the 5 bytes/,
    ],
    [
      "less data than declared",
      one({ tamper: { uncompressedSize: 50 } }),
      "zip-invalid",
      /has 17 bytes, its header says 50/,
    ],
    [
      "stored sizes that differ",
      one({ method: "stored", tamper: { uncompressedSize: 3 } }),
      "zip-invalid",
      /different compressed and uncompressed/,
    ],
    [
      "a local name that differs",
      one({ tamper: { localName: "z.txt" } }),
      "zip-invalid",
      /local header of entry "a\.txt" names it "z\.txt"/,
    ],
    [
      "a local method that differs",
      one({ tamper: { method: 0 }, method: "deflate" }),
      "zip-invalid",
      /stored entry|disagree/,
    ],
    [
      "corrupt deflate data",
      one({ method: "stored", tamper: { method: 8 } }),
      "zip-invalid",
      /corrupt deflate data/,
    ],
  ];
  for (const [what, bytes, expected, message] of readCases) {
    it(`refuses ${what} when reading`, () => {
      assert.throws(() => readFirst(bytes), code(expected, message));
    });
    it(`refuses ${what} when reading in chunks`, async () => {
      const archive = openBytes(bytes);
      await assert.rejects(
        collect(archive.readChunks(archive.entries[0]!)),
        code(expected, message),
      );
    });
  }

  it("refuses an entry above the caller's size limit before reading it", () => {
    const source = new CountingSource(one({}));
    const archive = ZipArchive.openSync(source);
    assert.throws(
      () => archive.readSync(archive.entries[0]!, { maxSize: 10 }),
      code("zip-entry-too-large", /declares 17 bytes, more than the limit of 10/),
    );
    assert.equal(readFirst(one({}), 17).length, 17);
  });

  it("stops inflating a bomb at its declared size", () => {
    const zeros = new Uint8Array(50 * 1024 * 1024);
    const bomb = deflateRawSync(zeros);
    const bytes = writeZip([
      {
        name: "bomb",
        data: bomb,
        method: "stored",
        tamper: { method: 8, uncompressedSize: 1000, crc32: 0 },
      },
    ]);
    assert.throws(
      () => readFirst(bytes),
      code("zip-invalid", /inflates to more than the 1000 bytes/),
    );
  });

  it("refuses a ZIP64 locator pointing outside the archive", () => {
    const bytes = Buffer.from(writeZip(SAMPLE.slice(1, 2), { zip64: true }));
    const locator = bytes.length - 22 - 20;
    bytes.writeBigUInt64LE(BigInt(bytes.length), locator + 8);
    assert.throws(() => openBytes(bytes), code("zip-invalid", /locator points outside/));
  });

  it("refuses multi-disk archives", () => {
    const bytes = Buffer.from(writeZip(SAMPLE.slice(1, 2)));
    bytes.writeUInt16LE(1, bytes.length - 22 + 4);
    assert.throws(() => openBytes(bytes), code("zip-unsupported", /multi-disk/));
  });

  it("never shows credentials of a source's URL", async () => {
    await assert.rejects(
      ZipArchive.open(asyncOnly(Buffer.from("not a zip at all, not at all"))),
      (error: Error) => {
        assert.match(error.message, /^https:\/\/user:\*\*\*\*@example\.org\/x\.zip is not/);
        return true;
      },
    );
  });

  it("refuses a source that returns fewer bytes than asked", async () => {
    const bytes = writeZip(SAMPLE);
    const short: ZipSource = {
      name: "short",
      size: bytes.length,
      read: async () => new Uint8Array(3),
    };
    await assert.rejects(
      ZipArchive.open(short),
      code("zip-invalid", /asked for \d+ bytes at offset 0, got 3/),
    );
  });
});

describe("ZipArchive: reading large entries in chunks", () => {
  // 3 MiB of pseudo-random bytes (barely compressible): several read and inflate chunks.
  const big = Buffer.alloc(3 * 1024 * 1024 + 17);
  let seed = 1;
  for (let i = 0; i < big.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    big[i] = seed >>> 24;
  }

  for (const method of ["deflate", "stored"] as const) {
    it(`yields a ${method} entry's bytes in bounded chunks, from a file`, async () => {
      const dir = mkdtempSync(join(tmpdir(), "puffin-zip-chunks-"));
      try {
        const path = join(dir, "big.zip");
        writeFileSync(path, writeZip([{ name: "big.bin", data: big, method }, ...SAMPLE]));
        const source = FileZipSource.open(path, { name: "big.zip", readAhead: 64 * 1024 });
        try {
          const archive = ZipArchive.openSync(source);
          const sizes: number[] = [];
          const parts: Uint8Array[] = [];
          for await (const chunk of archive.readChunks(archive.entries[0]!)) {
            sizes.push(chunk.length);
            parts.push(chunk);
          }
          assert.ok(sizes.length > 1 && Math.max(...sizes) <= 1024 * 1024, String(sizes));
          assert.ok(Buffer.concat(parts).equals(big));
          // A small entry too, after the large one.
          const small = archive.findEntry("pkg/__init__.py")!;
          assert.equal(text(await collect(archive.readChunks(small))), "print('hi')\n".repeat(50));
        } finally {
          source.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it("stops a bomb at its declared size, without inflating the rest", async () => {
    // 64 MiB of zeros declared as 2 MiB: the iteration fails right after the declared size.
    const bomb = deflateRawSync(new Uint8Array(64 * 1024 * 1024));
    const bytes = writeZip([
      {
        name: "bomb",
        data: bomb,
        method: "stored",
        tamper: { method: 8, uncompressedSize: 2 * 1024 * 1024, crc32: 0 },
      },
    ]);
    const archive = openBytes(bytes);
    let seen = 0;
    await assert.rejects(
      (async () => {
        for await (const chunk of archive.readChunks(archive.entries[0]!)) seen += chunk.length;
      })(),
      code("zip-invalid", /"bomb" inflates to more than the 2097152 bytes its header says/),
    );
    assert.ok(seen <= 2 * 1024 * 1024, `${seen} bytes yielded`);
  });

  it("refuses corrupt deflate data in a large entry", async () => {
    const data = Buffer.from(deflateRawSync(big));
    data.fill(0xff, 1000, 5000);
    const bytes = writeZip([
      { name: "bad", data, method: "stored", tamper: { method: 8, uncompressedSize: big.length } },
    ]);
    const archive = openBytes(bytes);
    await assert.rejects(
      collect(archive.readChunks(archive.entries[0]!)),
      code("zip-invalid", /"bad" has corrupt deflate data|fails its CRC-32/),
    );
  });

  it("passes errors of the source on unchanged", async () => {
    const bytes = writeZip([{ name: "big.bin", data: big }]);
    const failing: ZipSource = {
      name: "flaky",
      size: bytes.length,
      read: async (offset, length) => {
        if (offset > 0 && offset < bytes.length - 1024) {
          throw new Error("connection reset");
        }
        return bytes.subarray(offset, offset + length);
      },
    };
    const archive = await ZipArchive.open(failing, { tailSize: 1024 });
    await assert.rejects(collect(archive.readChunks(archive.entries[0]!)), /connection reset/);
  });
});

describe("ZipArchive: archive limits when opening", () => {
  const entries: ZipWriterEntry[] = [
    { name: "a.txt", data: "a".repeat(600) },
    { name: "b.txt", data: "b".repeat(500) },
    { name: "c/", mode: 0o040755 },
  ];

  it("refuses more entries than the limit, from the end record", () => {
    const source = new CountingSource(writeZip(entries), "test.zip");
    assert.throws(
      () => ZipArchive.openSync(source, { limits: { maxSize: 1 << 30, maxEntries: 2 } }),
      code(
        "archive-too-many-entries",
        /Refusing to extract test\.zip: it holds 3 members, more than the limit of 2/,
      ),
    );
    assert.equal(source.reads.length, 1, "only the tail was read");
  });

  it("refuses declared sizes above the limit in all", () => {
    assert.throws(
      () =>
        ZipArchive.openSync(new BufferZipSource(writeZip(entries), "https://u:secret@host/p.zip"), {
          limits: { maxSize: 1099, maxEntries: 3 },
        }),
      code(
        "archive-too-large",
        /^Refusing to extract https:\/\/u:\*\*\*\*@host\/p\.zip: its members declare 1100 bytes in all, more than the limit of 1099$/,
      ),
    );
  });

  it("opens an archive at the limits", () => {
    const archive = ZipArchive.openSync(new BufferZipSource(writeZip(entries)), {
      limits: { maxSize: 1100, maxEntries: 3 },
    });
    assert.equal(archive.entries.length, 3);
  });
});
