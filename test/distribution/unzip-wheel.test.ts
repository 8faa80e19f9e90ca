import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { unzipWheel } from "../../src/distribution/unzip-wheel.ts";
import { HashPolicy, recordHash } from "../../src/pypi-types/index.ts";
import { PuffinError } from "../../src/support/index.ts";
import { WHOLE_READ_LIMIT } from "../../src/zip/archive.ts";
import { installTargets } from "../support/install-target.ts";
import { buildWheel } from "../support/wheel-builder.ts";
import { deflatedZeros, zeroWheel } from "../support/zip-bomb.ts";
import { writeZip, type ZipWriterEntry } from "../support/zip-writer.ts";

const zipCorpora = new URL("../corpora/zip/", import.meta.url).pathname;
const target = installTargets();

/** The archive bucket holds nothing but what was published (no temp directories). */
function archiveEntries(cacheRoot: string): string[] {
  const bucket = join(cacheRoot, "archive-v0");
  return existsSync(bucket) ? readdirSync(bucket) : [];
}

/** A wheel of `entries` with a correct RECORD. */
function wheelOf(entries: ZipWriterEntry[], distInfo = "pkg-1.0.dist-info"): Uint8Array {
  let record = "";
  for (const entry of entries) {
    if (entry.name.endsWith("/")) continue;
    const data = Buffer.from(entry.data ?? "");
    record += `${entry.name},${recordHash(data)},${data.length}\n`;
  }
  return writeZip([
    ...entries,
    { name: `${distInfo}/RECORD`, data: `${record}${distInfo}/RECORD,,\n` },
  ]);
}

const WHEEL = "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n";
const METADATA = "Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n";
const basics: ZipWriterEntry[] = [
  { name: "pkg/__init__.py", data: "" },
  { name: "pkg-1.0.dist-info/WHEEL", data: WHEEL },
  { name: "pkg-1.0.dist-info/METADATA", data: METADATA },
];

describe("unzipping a wheel into the cache", () => {
  test("a good wheel: files, modes, content id, and reuse", async () => {
    const t = target();
    const built = buildWheel({
      name: "good",
      version: "1.0",
      data: { scripts: { tool: "#!python\n" } },
    });
    const wheel = join(t.root, built.filename);
    writeFileSync(wheel, built.bytes);
    const cached = await unzipWheel({
      wheel,
      cache: t.cache,
      policy: HashPolicy.of({ stated: { sha256: built.sha256 } }),
    });
    assert.equal(cached.path, join(t.cache.root, "archive-v0", built.sha256.slice(0, 32)));
    assert.equal(cached.filename.toString(), built.filename);
    assert.deepEqual(cached.hashes, { sha256: built.sha256 });
    assert.equal(
      readFileSync(join(cached.path, "good", "__init__.py"), "utf8"),
      '__version__ = "1.0"\n',
    );
    const script = join(cached.path, "good-1.0.data", "scripts", "tool");
    assert.equal(statSync(script).mode & 0o777, 0o755);
    assert.equal(statSync(join(cached.path, "good", "__init__.py")).mode & 0o777, 0o644);
    const again = await unzipWheel({ wheel, cache: t.cache });
    assert.equal(again.path, cached.path);
    assert.deepEqual(archiveEntries(t.cache.root), [built.sha256.slice(0, 32)]);
  });

  test("a hash mismatch is refused before anything is written", async () => {
    const t = target();
    const built = buildWheel({ name: "good", version: "1.0" });
    const wheel = join(t.root, built.filename);
    writeFileSync(wheel, built.bytes);
    const wrong = createHash("sha256").update("other").digest("hex");
    await assert.rejects(
      unzipWheel({ wheel, cache: t.cache, policy: HashPolicy.of({ stated: { sha256: wrong } }) }),
      {
        code: "hash-mismatch",
        message: `Hash mismatch for ${wheel}: expected sha256:${wrong}, computed sha256:${built.sha256}`,
      },
    );
    assert.deepEqual(archiveEntries(t.cache.root), []);
  });

  const refused: [string, () => Uint8Array, string, RegExp][] = [
    [
      "a `../` entry",
      () => wheelOf([...basics, { name: "../evil.py", data: "x" }]),
      "zip-unsafe-name",
      /`\.\.` component/,
    ],
    [
      "an absolute entry",
      () => wheelOf([...basics, { name: "/tmp/evil.py", data: "x" }]),
      "zip-unsafe-name",
      /absolute path/,
    ],
    [
      "a symlink escaping the tree",
      () => wheelOf([...basics, { name: "pkg/link", data: "../../../../etc", mode: 0o120777 }]),
      "invalid-wheel",
      /symbolic link entry "pkg\/link"/,
    ],
    [
      "a file RECORD does not list",
      () =>
        writeZip([
          ...basics,
          { name: "pkg/extra.py", data: "x" },
          {
            name: "pkg-1.0.dist-info/RECORD",
            data: `pkg/__init__.py,,\npkg-1.0.dist-info/WHEEL,,\npkg-1.0.dist-info/METADATA,,\n`,
          },
        ]),
      "invalid-wheel",
      /"pkg\/extra\.py", which its RECORD does not list/,
    ],
    [
      "a file whose hash differs from RECORD",
      () =>
        writeZip([
          ...basics,
          {
            name: "pkg-1.0.dist-info/RECORD",
            data: `pkg/__init__.py,${recordHash(Buffer.from("other"))},0\npkg-1.0.dist-info/WHEEL,,\npkg-1.0.dist-info/METADATA,,\n`,
          },
        ]),
      "record-mismatch",
      /"pkg\/__init__\.py" does not match RECORD: its hash is sha256=/,
    ],
    [
      "a file whose size differs from RECORD",
      () =>
        writeZip([
          ...basics,
          {
            name: "pkg-1.0.dist-info/RECORD",
            data: `pkg/__init__.py,,5\npkg-1.0.dist-info/WHEEL,,\npkg-1.0.dist-info/METADATA,,\n`,
          },
        ]),
      "record-mismatch",
      /its size is 0 bytes, RECORD says 5/,
    ],
    ["no RECORD", () => writeZip(basics), "invalid-wheel", /has no pkg-1\.0\.dist-info\/RECORD/],
    [
      "two .dist-info directories",
      () => wheelOf([...basics, { name: "other-1.0.dist-info/METADATA", data: METADATA }]),
      "invalid-wheel",
      /more than one \.dist-info directory: other-1\.0\.dist-info, pkg-1\.0\.dist-info/,
    ],
  ];
  for (const [what, build, code, message] of refused) {
    test(`refused with nothing written: ${what}`, async () => {
      const t = target();
      const wheel = join(t.root, "pkg-1.0-py3-none-any.whl");
      writeFileSync(wheel, build());
      await assert.rejects(unzipWheel({ wheel, cache: t.cache }), { code, message });
      assert.deepEqual(archiveEntries(t.cache.root), []);
    });
  }

  const corpus: [string, string, RegExp][] = [
    ["distlib/evilpkg-1.0-py3-none-any.whl", "zip-unsafe-name", /\.\.\/\.\.\/\.\.\/victim/],
    ["distlib/bad_wheels/dummy-0.1-py27-none-any.whl", "record-mismatch", /does not match RECORD/],
    ["pip/corruptwheel-1.0-py2.py3-none-any.whl", "zip-invalid", /not a valid zip archive/],
    ["pip/invalid.whl", "invalid-wheel", /not named like a wheel/],
    [
      "pip/brokenwheel-1.0-py2.py3-none-any.whl",
      "invalid-wheel",
      /`simple\.dist-0\.1\.dist-info` is not named for the project `brokenwheel`/,
    ],
  ];
  for (const [file, code, message] of corpus) {
    test(`corpus ${file}: refused with nothing written`, async () => {
      const t = target();
      await assert.rejects(unzipWheel({ wheel: join(zipCorpora, file), cache: t.cache }), {
        code,
        message,
      });
      assert.deepEqual(archiveEntries(t.cache.root), []);
    });
  }
});

const MiB = 1024 * 1024;

/** Writes `bytes` as the wheel file `pkg-1.0-py3-none-any.whl` of a fresh target. */
function wheelFile(bytes: Uint8Array) {
  const t = target();
  const wheel = join(t.root, "pkg-1.0-py3-none-any.whl");
  writeFileSync(wheel, bytes);
  return { t, wheel };
}

/** Whether the file at `path` holds exactly `size` zero bytes (read in chunks). */
function holdsZeros(path: string, size: number): boolean {
  if (statSync(path).size !== size) return false;
  const fd = openSync(path, "r");
  const buffer = Buffer.alloc(MiB);
  try {
    for (let at = 0; at < size; ) {
      const n = readSync(fd, buffer, 0, buffer.length, at);
      if (buffer.subarray(0, n).some((byte) => byte !== 0)) return false;
      at += n;
    }
  } finally {
    closeSync(fd);
  }
  return true;
}

describe("unzipping a wheel: archive limits and large entries", () => {
  test("a wheel whose members declare more than the size limit is refused before writing", async () => {
    const { t, wheel } = wheelFile(
      zeroWheel({ name: "pkg", version: "1.0", zeros: { "pkg/zeros.bin": 2 * MiB } }).bytes,
    );
    await assert.rejects(
      unzipWheel({ wheel, cache: t.cache, limits: { maxSize: MiB, maxEntries: 100 } }),
      (error: unknown) => {
        assert.ok(error instanceof PuffinError);
        assert.equal(error.code, "archive-too-large");
        assert.match(
          error.message,
          new RegExp(
            `^Refusing to extract ${wheel}: its members declare \\d+ bytes in all, more than the limit of 1048576$`,
          ),
        );
        assert.match(error.hint ?? "", /PUFFIN_MAX_ARCHIVE_SIZE/);
        return true;
      },
    );
    assert.ok(!existsSync(join(t.cache.root, "archive-v0")), "nothing was written");
  });

  test("a wheel with more members than the limit is refused before writing", async () => {
    const { t, wheel } = wheelFile(wheelOf(basics));
    await assert.rejects(
      unzipWheel({ wheel, cache: t.cache, limits: { maxSize: MiB, maxEntries: 3 } }),
      {
        code: "archive-too-many-entries",
        message: `Refusing to extract ${wheel}: it holds 4 members, more than the limit of 3`,
      },
    );
    assert.ok(!existsSync(join(t.cache.root, "archive-v0")), "nothing was written");
    const ok = await unzipWheel({ wheel, cache: t.cache, limits: { maxSize: MiB, maxEntries: 4 } });
    assert.ok(existsSync(join(ok.path, "pkg", "__init__.py")));
  });

  // Members whose data inflates to more than their headers declare: the declared sizes pass the
  // limit, what is inflated never goes past them. One small enough to be inflated whole, one
  // streamed.
  const liars: [string, number, number][] = [
    ["inflated whole", 100, 8 * MiB],
    ["streamed", WHOLE_READ_LIMIT + MiB, 64 * MiB],
  ];
  for (const [how, declared, actual] of liars) {
    test(`a member that inflates past its declared size (${how}) is refused, nothing left`, async () => {
      const zeros = deflatedZeros(actual);
      const { t, wheel } = wheelFile(
        wheelOf([
          ...basics,
          { name: "pkg/liar.bin", deflated: zeros, tamper: { uncompressedSize: declared } },
        ]),
      );
      await assert.rejects(
        unzipWheel({ wheel, cache: t.cache, limits: { maxSize: declared + MiB, maxEntries: 10 } }),
        {
          code: "zip-invalid",
          message: new RegExp(`"pkg/liar\\.bin" inflates to more than the ${declared} bytes`),
        },
      );
      assert.deepEqual(archiveEntries(t.cache.root), [], "the temp directory is removed");
    });
  }

  test("a large member is streamed to disk and checked against RECORD", async () => {
    const size = WHOLE_READ_LIMIT * 2 + 123;
    const { t, wheel } = wheelFile(
      zeroWheel({ name: "pkg", version: "1.0", zeros: { "pkg/zeros.bin": size } }).bytes,
    );
    const cached = await unzipWheel({ wheel, cache: t.cache });
    assert.ok(holdsZeros(join(cached.path, "pkg", "zeros.bin"), size));
    assert.deepEqual(archiveEntries(t.cache.root), [cached.path.split("/").at(-1)]);
  });

  test("a large member whose hash differs from RECORD is refused, nothing left", async () => {
    const size = WHOLE_READ_LIMIT * 2;
    const zeros = deflatedZeros(size);
    const { t, wheel } = wheelFile(
      writeZip([
        ...basics,
        { name: "pkg/zeros.bin", deflated: zeros },
        {
          name: "pkg-1.0.dist-info/RECORD",
          data: `pkg/__init__.py,,\npkg-1.0.dist-info/WHEEL,,\npkg-1.0.dist-info/METADATA,,\npkg/zeros.bin,${recordHash(Buffer.from("other"))},${size}\n`,
        },
      ]),
    );
    await assert.rejects(unzipWheel({ wheel, cache: t.cache }), {
      code: "record-mismatch",
      message: /"pkg\/zeros\.bin" does not match RECORD: its hash is sha256=/,
    });
    assert.deepEqual(archiveEntries(t.cache.root), []);
  });

  const collisions: [string, ZipWriterEntry[], RegExp][] = [
    [
      "a file, then a file inside it",
      [
        { name: "pkg/a", data: "x" },
        { name: "pkg/a/b", data: "y" },
      ],
      /entry "pkg\/a\/b", which is inside "pkg\/a", which the archive also holds as a file/,
    ],
    [
      "a directory and a file of one name",
      [
        { name: "pkg/a/", mode: 0o040755 },
        { name: "pkg/a", data: "y" },
      ],
      /entry "pkg\/a", which is a file, but the archive also holds "pkg\/a" as a directory/,
    ],
    [
      "one file spelled two ways",
      [
        { name: "pkg/a", data: "x" },
        { name: "pkg//a", data: "y" },
      ],
      /entry "pkg\/\/a", which is a file, but the archive holds "pkg\/a" more than once/,
    ],
  ];
  for (const [what, entries, message] of collisions) {
    test(`entries landing on one path are refused before writing: ${what}`, async () => {
      const { t, wheel } = wheelFile(wheelOf([...basics, ...entries]));
      await assert.rejects(unzipWheel({ wheel, cache: t.cache }), {
        code: "invalid-wheel",
        message,
      });
      assert.ok(!existsSync(join(t.cache.root, "archive-v0")), "nothing was written");
    });
  }

  test("memory stays bounded: a wheel unpacking to 256 MiB costs a small part of that", () => {
    // In a child process, so that the test runner's own memory does not count.
    const size = 256 * MiB;
    const t = target();
    const built = zeroWheel({ name: "big", version: "1.0", zeros: { "big/zeros.bin": size } });
    const wheel = join(t.root, built.filename);
    writeFileSync(wheel, built.bytes);
    const child = new URL("../support/unzip-in-child.ts", import.meta.url).pathname;
    const output = execFileSync(process.execPath, ["--import", "tsx", child, wheel, t.cache.root], {
      encoding: "utf8",
      cwd: new URL("../..", import.meta.url).pathname,
    });
    const { path, before, after } = JSON.parse(output) as {
      path: string;
      before: number;
      after: number;
    };
    assert.ok(holdsZeros(join(path, "big", "zeros.bin"), size));
    // Reading the wheel whole and inflating the member whole took twice its size.
    assert.ok(
      after - before < 100 * MiB,
      `peak RSS grew by ${((after - before) / MiB).toFixed(1)} MiB (from ${(before / MiB).toFixed(1)} MiB)`,
    );
  });
});
