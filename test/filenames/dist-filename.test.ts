import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DistFilename, type LegacyFormat } from "../../src/filenames/index.ts";
import { normalizeName, PackageName } from "../../src/normalize/index.ts";
import { Version } from "../../src/pep440/index.ts";
import { PuffinError } from "../../src/support/index.ts";
import corpus from "../corpora/pypi-simple/filenames.json" with { type: "json" };

/**
 * pypi-simple's guesses that Puffin's model cannot express, by filename and hint. Puffin
 * rejects these files (they are skipped on an index page).
 */
const SKIPPED: Record<string, string> = {
  // Not a PEP 440 version: a `Version` cannot hold it, and uv skips such files too.
  "ddlib-2013-02-18.tar.gz": "version 2013-02-18 is not PEP 440",
  // pypi-simple falls back to guessing when the hint does not match; Puffin, like uv, rejects an
  // sdist on a project's page that is named for another project.
  "munepy-1.3.tar.gz|flufl.enum": "listed under another project's name",
};

/** pypi-simple's package types, as Puffin names the legacy ones. */
const LEGACY_TYPES: Record<string, LegacyFormat> = {
  dumb: "dumb",
  egg: "egg",
  msi: "msi",
  rpm: "rpm",
  wininst: "wininst",
};

/**
 * Files pypi-simple cannot parse, but whose extension marks a legacy format. Puffin never reads a
 * legacy file's name (it skips the file), so it classifies these by extension alone instead of
 * rejecting them: the outcome on an index page, skipping, is the same.
 */
const LEGACY_BY_EXTENSION: Record<string, LegacyFormat> = {
  "pypol_-0.2.linux-i686.exe": "wininst",
  "pypol_-0.3.win32.exe": "wininst",
  "pypol_-0.5-1.noarch.rpm": "rpm",
  "pypol_-0.5-py2.6.egg": "egg",
  "btk-0.3.0-1_i686.rpm": "rpm",
  "btk-0.3.0-1_x86_64.rpm": "rpm",
  "btk-0.3.0-py2.7_macosx-10.7-intel.egg": "egg",
  "btk-0.3.0_win32.exe": "wininst",
  "l5x-1.2-win32.exe": "wininst",
  "psifas-0.3.msi": "msi",
  "pyftpsync-1.1.0-win32.msi": "msi",
  "pypi-simple-0.1.0.dev1-py3.5.egg": "egg",
  "streamtuner2-2.1.9_beta1.rpm": "rpm",
  "streamtuner2-2.2.0.rpm": "rpm",
  "xrayutilities-1.4.0-py2.7.10-win-amd64.egg": "egg",
};

type Case = { filename: string; expected: (string | null)[]; project_hint?: string };

function check(vector: Case, hint: PackageName | undefined): "checked" | "skipped" {
  const [project, version, type] = vector.expected as [string, string, string];
  const reason = SKIPPED[`${vector.filename}|${vector.project_hint}`] ?? SKIPPED[vector.filename];
  if (reason !== undefined) {
    assert.equal(DistFilename.tryParse(vector.filename, hint), undefined, vector.filename);
    assert.throws(() => DistFilename.parse(vector.filename, hint), PuffinError);
    return "skipped";
  }
  const dist = DistFilename.parse(vector.filename, hint);
  assert.deepEqual(DistFilename.tryParse(vector.filename, hint), dist);
  if (type === "wheel" || type === "sdist") {
    assert.equal(dist.kind, type, vector.filename);
    assert.equal(dist.filename.name, normalizeName(project), vector.filename);
    assert.ok(dist.filename.version.equals(Version.parse(version)), vector.filename);
  } else {
    assert.deepEqual(dist, { kind: "legacy", format: LEGACY_TYPES[type] }, vector.filename);
  }
  return "checked";
}

describe("DistFilename.parse", () => {
  test("pypi-simple filename vectors without a project hint", () => {
    const outcomes = corpus.no_hint.map((vector) => check(vector, undefined));
    assert.deepEqual(outcomes.filter((o) => o === "skipped").length, 0);
    assert.equal(outcomes.length, 85);
  });

  test("pypi-simple filename vectors with a project hint", () => {
    const outcomes = corpus.project_hint.map((vector) =>
      check(vector, PackageName.parse(vector.project_hint)),
    );
    assert.equal(outcomes.filter((o) => o === "skipped").length, 2);
    assert.equal(outcomes.length, 96);
  });

  test("pypi-simple's unparsable filenames are rejected, or skipped as legacy by extension", () => {
    const vectors = [
      ...corpus.unparsable_no_hint.map((v) => ({ ...v, hint: undefined })),
      ...corpus.unparsable_project_hint.map((v) => ({
        ...v,
        hint: PackageName.parse(v.project_hint),
      })),
    ];
    assert.equal(vectors.length, 72);
    let rejected = 0;
    for (const { filename, hint } of vectors) {
      const legacy = LEGACY_BY_EXTENSION[filename];
      if (legacy !== undefined) {
        assert.deepEqual(DistFilename.parse(filename, hint), { kind: "legacy", format: legacy });
        continue;
      }
      assert.throws(() => DistFilename.parse(filename, hint), PuffinError, filename);
      assert.equal(DistFilename.tryParse(filename, hint), undefined, filename);
      rejected++;
    }
    assert.equal(rejected, 72 - 2 * Object.keys(LEGACY_BY_EXTENSION).length);
  });

  test("errors carry the wheel's, the sdist's or an unknown-file code", () => {
    const cases = [
      ["foo-1.0-py3-any.whl", "invalid-wheel-filename"],
      ["foo.tar.gz", "invalid-sdist-filename"],
      ["pip-18.0.tar.gz.txt", "unknown-dist-filename"],
      ["README", "unknown-dist-filename"],
    ] as const;
    for (const [filename, code] of cases) {
      assert.throws(
        () => DistFilename.parse(filename),
        (error: unknown) => error instanceof PuffinError && error.code === code,
        filename,
      );
    }
  });

  test("a dumb archive is only what is not a valid sdist", () => {
    assert.equal(DistFilename.parse("foo-1.0.linux-x86_64.tar.gz").kind, "legacy");
    assert.equal(DistFilename.parse("foo-1.0.tar.gz").kind, "sdist");
    assert.equal(DistFilename.parse("foo.linux-1.0.tar.gz").kind, "sdist");
  });
});
