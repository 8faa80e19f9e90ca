import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseCoreMetadata } from "../../src/pypi-types/index.ts";
import type { ErrorCode } from "../../src/support/index.ts";
import {
  BufferZipSource,
  readWheelMetadata,
  readWheelMetadataSync,
  ZipArchive,
} from "../../src/zip/index.ts";
import { findWheelMetadata } from "../../src/zip/wheel-metadata.ts";
import { buildWheel } from "../support/wheel-builder.ts";
import { writeZip } from "../support/zip-writer.ts";

const archiveOf = (names: string[]) =>
  ZipArchive.openSync(
    new BufferZipSource(writeZip(names.map((name) => ({ name, data: "Name: x\n" }))), "x.whl"),
  );

describe("findWheelMetadata", () => {
  it("finds METADATA in the one top-level .dist-info directory", () => {
    const found = findWheelMetadata(
      archiveOf(["foo/__init__.py", "foo-1.0.dist-info/METADATA", "foo-1.0.dist-info/RECORD"]),
    );
    assert.equal(found.distInfo, "foo-1.0.dist-info");
    assert.equal(found.entry.name, "foo-1.0.dist-info/METADATA");
  });

  it("ignores .dist-info directories below the top level and a top-level file named so", () => {
    const found = findWheelMetadata(
      archiveOf([
        "vendored/bar-2.0.dist-info/METADATA",
        "x.dist-info",
        "foo-1.0.dist-info/METADATA",
      ]),
    );
    assert.equal(found.distInfo, "foo-1.0.dist-info");
  });

  const failures: [string, string[], ErrorCode, RegExp][] = [
    [
      "no .dist-info",
      ["foo/__init__.py"],
      "wheel-dist-info-missing",
      /x\.whl has no \.dist-info directory/,
    ],
    [
      "two .dist-info directories",
      ["foo-1.0.dist-info/METADATA", "bar-1.0.dist-info/METADATA"],
      "wheel-dist-info-ambiguous",
      /more than one \.dist-info directory: bar-1\.0\.dist-info, foo-1\.0\.dist-info/,
    ],
    [
      "no METADATA",
      ["foo-1.0.dist-info/RECORD"],
      "wheel-metadata-missing",
      /has no foo-1\.0\.dist-info\/METADATA/,
    ],
  ];
  for (const [what, names, code, message] of failures) {
    it(`fails clearly with ${what}`, () => {
      assert.throws(
        () => findWheelMetadata(archiveOf(names)),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, code);
          assert.match(error.message, message);
          return true;
        },
      );
    });
  }
});

describe("readWheelMetadata", () => {
  const wheel = buildWheel({
    name: "Foo.Bar",
    version: "1.0",
    requiresDist: ["requests>=2", 'tomli; python_version < "3.11"'],
    requiresPython: ">=3.8",
  });

  it("reads a built wheel's METADATA, sync and async, and it parses", async () => {
    const sync = readWheelMetadataSync(new BufferZipSource(wheel.bytes));
    const viaAsync = await readWheelMetadata(new BufferZipSource(wheel.bytes));
    assert.deepEqual(sync, viaAsync);
    assert.equal(sync.distInfo, "foo_bar-1.0.dist-info");
    assert.deepEqual(Buffer.from(sync.metadata), Buffer.from(wheel.metadata));
    const metadata = parseCoreMetadata(sync.metadata);
    assert.equal(metadata.name, "foo-bar");
    assert.equal(metadata.requiresDist.length, 2);
  });
});
