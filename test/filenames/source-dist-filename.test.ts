import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { SourceDistFilename, sourceDistExtension } from "../../src/filenames/index.ts";
import { PackageName } from "../../src/normalize/index.ts";
import { Version } from "../../src/pep440/index.ts";
import { PuffinError } from "../../src/support/index.ts";
import utils from "../corpora/packaging/utils.json" with { type: "json" };

function isInvalidSdistFilename(error: unknown): boolean {
  return error instanceof PuffinError && error.code === "invalid-sdist-filename";
}

describe("SourceDistFilename.parse", () => {
  test("sdist_filenames vectors from pypa/packaging, with and without the package name", () => {
    for (const vector of utils.sdist_filenames) {
      for (const hint of [undefined, PackageName.parse("foo")]) {
        if (!vector.valid) {
          assert.throws(
            () => SourceDistFilename.parse(vector.filename, hint),
            isInvalidSdistFilename,
            vector.filename,
          );
          continue;
        }
        const sdist = SourceDistFilename.parse(vector.filename, hint);
        assert.equal(sdist.name, vector.name);
        assert.ok(sdist.version.equals(Version.parse(vector.version!)), vector.filename);
      }
    }
  });

  test("every archive format uv accepts, exposed as the extension", () => {
    const extensions = [
      "tar.gz",
      "zip",
      "tar.bz2",
      "tar.xz",
      "tar.zst",
      "tar.lzma",
      "tar.lz",
      "tar",
      "tgz",
      "tbz",
      "txz",
      "tlz",
    ] as const;
    for (const extension of extensions) {
      const sdist = SourceDistFilename.parse(`foo-1.0.${extension}`);
      assert.equal(sdist.extension, extension);
      assert.equal(sourceDistExtension(`foo-1.0.${extension}`), extension);
    }
    for (const filename of [
      "foo-1.0.tar.Z",
      "foo-1.0.xz",
      "foo-1.0.gz",
      "foo-1.0.whl",
      "foo-1.0.ztar.gz.txt",
    ]) {
      assert.throws(
        () => SourceDistFilename.parse(filename),
        /no source distribution archive extension/,
        filename,
      );
    }
    assert.equal(sourceDistExtension("foo-1.0.atar"), undefined);
  });

  test("the package name decides where a dashed name ends", () => {
    const cases = [
      ["pypi-simple-0.1.0.dev1.tar.gz", "pypi-simple", "0.1.0.dev1"],
      ["walt-node-0.4-1.tar.gz", "walt-node", "0.4.post1"],
      ["Walt_Node-0.4-1.tar.gz", "walt-node", "0.4.post1"],
      ["foo-bar-2-1.zip", "foo-bar", "2.post1"],
      ["foo-bar-2-1.zip", "foo-bar-2", "1"],
    ] as const;
    for (const [filename, name, version] of cases) {
      const sdist = SourceDistFilename.parse(filename, PackageName.parse(name));
      assert.equal(sdist.name, name, filename);
      assert.equal(sdist.version.toString(), version, filename);
    }
  });

  test("with a package name, the filename must start with it and continue with a version", () => {
    const cases = [
      ["munepy-1.3.tar.gz", "flufl-enum", /does not start with the package name `flufl-enum`/],
      ["foobar-1.0.tar.gz", "foo", /does not start with the package name `foo`/],
      ["foo-bar-1.0.tar.gz", "foo", /"bar-1.0" is not a valid version/],
    ] as const;
    for (const [filename, name, message] of cases) {
      assert.throws(() => SourceDistFilename.parse(filename, PackageName.parse(name)), message);
      assert.equal(SourceDistFilename.tryParse(filename, PackageName.parse(name)), undefined);
    }
  });

  test("without one, the last dash with a valid name before and a version after splits", () => {
    const cases = [
      ["3-1-1.0.0.zip", "3-1", "1.0.0"],
      ["foo-bar-2-1.zip", "foo-bar-2", "1"],
      ["pypi-simple-0.1.0.dev1.tar.gz", "pypi-simple", "0.1.0.dev1"],
      ["foo-1.0-rc1.tar.gz", "foo", "1.0rc1"],
    ] as const;
    for (const [filename, name, version] of cases) {
      const sdist = SourceDistFilename.parse(filename);
      assert.equal(sdist.name, name, filename);
      assert.equal(sdist.version.toString(), version, filename);
    }
    assert.throws(() => SourceDistFilename.parse("foo.tar.gz"), /no `-` separates/);
  });

  test("versions in filenames have no whitespace, though PEP 440 strings may", () => {
    for (const filename of ["foo- 1.0.tar.gz", "foo-1.0 .tar.gz", "foo-1.0\n.zip"]) {
      assert.throws(() => SourceDistFilename.parse(filename), isInvalidSdistFilename, filename);
      assert.throws(
        () => SourceDistFilename.parse(filename, PackageName.parse("foo")),
        isInvalidSdistFilename,
      );
    }
  });

  test("toString is the canonical (PEP 625) filename", () => {
    assert.equal(SourceDistFilename.parse("Foo.Bar-01.0.zip").toString(), "foo_bar-1.0.zip");
    assert.equal(SourceDistFilename.parse("foo-1.0.tar.gz").toString(), "foo-1.0.tar.gz");
  });

  test("canonicalize_version vectors: filenames differing so compare equal by Version", () => {
    // packaging compares filename versions as canonical strings; Puffin compares the parsed
    // `Version`s, whose equality already ignores trailing zero release parts. So the vectors
    // are checked as that equality, and the non-PEP 440 ones ("lolwat", "1.0.1-test7") as
    // versions no sdist filename may carry.
    for (const [input, canonical] of utils.canonicalize_version as [string, string][]) {
      const parse = (version: string) =>
        SourceDistFilename.tryParse(`foo-${version}.tar.gz`, PackageName.parse("foo"));
      const sdist = parse(input);
      if (input === canonical && Version.tryParse(input) === undefined) {
        assert.equal(sdist, undefined, input);
        continue;
      }
      assert.ok(sdist?.version.equals(parse(canonical)!.version), `${input} = ${canonical}`);
    }
  });
});
