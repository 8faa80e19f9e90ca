// Real archives from pip's and distlib's test suites (see test/corpora/zip/SOURCES.md).
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseCoreMetadata } from "../../src/pypi-types/index.ts";
import type { ErrorCode } from "../../src/support/index.ts";
import { FileZipSource, readWheelMetadataSync, ZipArchive } from "../../src/zip/index.ts";

const CORPORA = new URL("../corpora/zip/", import.meta.url).pathname;

function open(path: string) {
  const source = FileZipSource.open(join(CORPORA, path));
  return { source, archive: ZipArchive.openSync(source) };
}

function readEverything(path: string): Map<string, Uint8Array> {
  const { source, archive } = open(path);
  try {
    return new Map(archive.entries.map((e) => [e.name, archive.readSync(e)]));
  } finally {
    source.close();
  }
}

function failure(path: string, code: ErrorCode, message: RegExp) {
  assert.throws(
    () => {
      using source = FileZipSource.open(join(CORPORA, path));
      readWheelMetadataSync(source);
    },
    (error: Error & { code?: string }) => {
      assert.equal(error.code, code);
      assert.match(error.message, message);
      return true;
    },
  );
}

describe("zip corpora", () => {
  it("distlib good.zip: files and directories with modes", () => {
    const entries = readEverything("distlib/good.zip");
    assert.deepEqual(
      [...entries.keys()],
      [
        "file1.txt",
        "subdir/",
        "subdir/subsubdir/",
        "subdir/subsubdir/file3.txt",
        "subdir/file2.txt",
      ],
    );
  });

  it("distlib bad.zip: refused for its ../file4.txt member", () => {
    assert.throws(() => open("distlib/bad.zip"), {
      code: "zip-unsafe-name",
      message: /"\.\.\/file4\.txt"/,
    });
  });

  it("distlib evilpkg wheel: refused for its ../../../victim member", () => {
    failure("distlib/evilpkg-1.0-py3-none-any.whl", "zip-unsafe-name", /victim\/PWNED_LIB\.py/);
  });

  it("distlib dummy wheel: METADATA parses; the bad one has none", () => {
    using source = FileZipSource.open(join(CORPORA, "distlib/dummy-0.1-py27-none-any.whl"));
    const { distInfo, metadata } = readWheelMetadataSync(source);
    assert.equal(distInfo, "dummy-0.1.dist-info");
    assert.equal(parseCoreMetadata(metadata).name, "dummy");
    failure(
      "distlib/bad_wheels/dummy-0.1-py27-none-any.whl",
      "wheel-metadata-missing",
      /dummy-0\.1\.dist-info\/METADATA/,
    );
  });

  it("pip corruptwheel and invalid.whl: not zip archives", () => {
    failure(
      "pip/corruptwheel-1.0-py2.py3-none-any.whl",
      "zip-invalid",
      /no end of central directory/,
    );
    failure("pip/invalid.whl", "zip-invalid", /only 0 bytes/);
  });

  it("pip brokenwheel: its .dist-info is another project's, which the caller sees", () => {
    using source = FileZipSource.open(join(CORPORA, "pip/brokenwheel-1.0-py2.py3-none-any.whl"));
    assert.equal(readWheelMetadataSync(source).distInfo, "simple.dist-0.1.dist-info");
  });

  it("pip wheels: every entry reads and passes its CRC", () => {
    for (const wheel of [
      "pip/brokenwheel-1.0-py2.py3-none-any.whl",
      "pip/prjwithdatafile-1.0-py2.py3-none-any.whl",
      "pip/simplewheel-2.0-1-py2.py3-none-any.whl",
      "pip/colander-0.9.9-py2.py3-none-any.whl",
    ]) {
      assert.ok(readEverything(wheel).size >= 4, wheel);
    }
    assert.equal(readEverything("pip/colander-0.9.9-py2.py3-none-any.whl").size, 38);
  });

  it("pip test_zip.zip: Unix modes and a symlink", () => {
    const { source, archive } = open("pip/test_zip.zip");
    try {
      const modes = Object.fromEntries(archive.entries.map((e) => [e.name, e.unixMode]));
      assert.deepEqual(modes, {
        "dir/": 0o40744,
        "dir/dirfile": 0o100622,
        "file.txt": 0o100600,
        "script_group.sh": 0o100610,
        "script_owner.sh": 0o100700,
        "script_world.sh": 0o100601,
        "symlink.txt": 0o120777,
      });
      const link = archive.findEntry("symlink.txt")!;
      assert.equal(link.isSymlink, true);
      assert.equal(Buffer.from(archive.readSync(link)).toString(), "file.txt");
      assert.equal(archive.findEntry("dir/")!.isDirectory, true);
    } finally {
      source.close();
    }
  });
});
