import assert from "node:assert/strict";
import { Version, VersionSpecifiers } from "../../src/pep440/index.ts";
import type { SimpleFile } from "../../src/pypi-types/index.ts";

/**
 * The expected parse of one file in jwodder/pypi-simple's `project_pages.json`, and the check
 * that a Puffin `SimpleFile` says the same thing.
 *
 * Not compared, deliberately: `has_sig` (PEP 503's `data-gpg-sig`; PyPI dropped GPG signatures
 * in 2023 and no installer verifies them) and `provenance_*` (PEP 740 attestations, which an
 * installer may ignore, as uv does).
 */
export interface ExpectedPackage {
  filename: string;
  url: string;
  project: string | null;
  version: string | null;
  package_type: string | null;
  digests: Record<string, string>;
  requires_python: string | null;
  is_yanked: boolean;
  yanked_reason: string | null;
  has_metadata: boolean | null;
  metadata_digests: Record<string, string> | null;
  size: number | null;
  upload_time: string | null;
}

export function assertSameFile(actual: SimpleFile, expected: ExpectedPackage): void {
  const where = expected.filename;
  assert.equal(actual.filename, expected.filename, where);
  assert.equal(actual.url, expected.url, where);
  assert.deepEqual({ ...actual.hashes }, expected.digests, where);
  assert.equal(actual.requiresPythonRaw, expected.requires_python ?? undefined, where);
  const requiresPython = expected.requires_python?.trim() ? expected.requires_python : undefined;
  assert.equal(
    actual.requiresPython?.toString(),
    requiresPython === undefined ? undefined : VersionSpecifiers.parse(requiresPython).toString(),
    where,
  );
  assert.deepEqual(
    actual.yanked,
    expected.is_yanked ? { reason: expected.yanked_reason || undefined } : undefined,
    where,
  );
  const coreMetadata = expected.has_metadata
    ? expected.metadata_digests && Object.keys(expected.metadata_digests).length > 0
      ? { hashes: expected.metadata_digests }
      : true
    : undefined;
  assert.deepEqual(actual.coreMetadata, coreMetadata, where);
  assert.equal(actual.size, expected.size ?? undefined, where);
  assert.equal(
    actual.uploadTime === undefined ? undefined : Date.parse(actual.uploadTime),
    expected.upload_time === null ? undefined : Date.parse(expected.upload_time),
    where,
  );
  const dist = actual.distFilename;
  assert.equal(dist.kind, expected.package_type, where);
  if (dist.kind !== "legacy") {
    assert.equal(dist.filename.name, expected.project, where);
    assert.ok(dist.filename.version.equals(Version.parse(expected.version!)), where);
  }
}
