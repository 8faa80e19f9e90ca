import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { recordHash, unzipWheel } from "../../src/installer/index.ts";
import { makeInstallTarget } from "../support/install-target.ts";
import { buildWheel } from "../support/wheel-builder.ts";
import { writeZip, type ZipWriterEntry } from "../support/zip-writer.ts";

const zipCorpora = new URL("../corpora/zip/", import.meta.url).pathname;
const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function target() {
  const t = makeInstallTarget();
  roots.push(t.root);
  return t;
}

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
    const cached = await unzipWheel({ wheel, cache: t.cache, hashes: { sha256: built.sha256 } });
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
    await assert.rejects(unzipWheel({ wheel, cache: t.cache, hashes: { sha256: wrong } }), {
      code: "hash-mismatch",
      message: `Hash mismatch for ${wheel}: expected sha256:${wrong}, computed sha256:${built.sha256}`,
    });
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
