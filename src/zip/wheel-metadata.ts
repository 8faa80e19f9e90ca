import { PuffinError, redactCredentials } from "../support/index.ts";
import { ZipArchive, type ZipEntry, type ZipOpenOptions } from "./archive.ts";
import type { SyncZipSource, ZipSource } from "./source.ts";

/** METADATA larger than this is refused (the largest on the offline index is ~0.5 MB). */
export const MAX_METADATA_SIZE = 32 * 1024 * 1024;

/** A wheel's `.dist-info` directory and its `METADATA` entry. */
export interface WheelMetadataEntry {
  /** The directory name, e.g. `"foo_bar-1.0.dist-info"` (no trailing slash). */
  readonly distInfo: string;
  readonly entry: ZipEntry;
}

/**
 * Finds the wheel's `{distribution}-{version}.dist-info/METADATA` (PEP 427, binary distribution
 * format: exactly one top-level `.dist-info` directory). As in pip, every top-level directory
 * whose name ends in `.dist-info` counts. Throws a `PuffinError`: `wheel-dist-info-missing` when
 * there is none, `wheel-dist-info-ambiguous` when there are several, `wheel-metadata-missing`
 * when the directory has no `METADATA`. Whether the directory's name matches the wheel's
 * filename is for the caller to check (it knows the expected name and version).
 * https://packaging.python.org/en/latest/specifications/binary-distribution-format/
 */
export function findWheelMetadata(archive: ZipArchive): WheelMetadataEntry {
  const directories = new Set<string>();
  for (const entry of archive.entries) {
    const slash = entry.name.indexOf("/");
    if (slash > 0) {
      const top = entry.name.slice(0, slash);
      if (top.endsWith(".dist-info")) directories.add(top);
    }
  }
  const wheel = redactCredentials(archive.source.name);
  if (directories.size === 0) {
    throw new PuffinError("wheel-dist-info-missing", `${wheel} has no .dist-info directory`, {
      hint: "A wheel holds exactly one top-level `{name}-{version}.dist-info` directory",
    });
  }
  if (directories.size > 1) {
    const names = [...directories].sort().join(", ");
    throw new PuffinError(
      "wheel-dist-info-ambiguous",
      `${wheel} has more than one .dist-info directory: ${names}`,
    );
  }
  const distInfo = directories.values().next().value as string;
  const entry = archive.findEntry(`${distInfo}/METADATA`);
  if (entry === undefined) {
    throw new PuffinError("wheel-metadata-missing", `${wheel} has no ${distInfo}/METADATA`);
  }
  return { distInfo, entry };
}

/** The METADATA bytes of a wheel and its `.dist-info` directory. */
export interface WheelMetadata {
  readonly distInfo: string;
  readonly metadata: Uint8Array;
}

/** Reads a wheel's METADATA: the tail, perhaps the central directory, then one entry. */
export async function readWheelMetadata(
  source: ZipSource,
  options: ZipOpenOptions = {},
): Promise<WheelMetadata> {
  const archive = await ZipArchive.open(source, options);
  const { distInfo, entry } = findWheelMetadata(archive);
  return { distInfo, metadata: await archive.read(entry, { maxSize: MAX_METADATA_SIZE }) };
}

/** `readWheelMetadata` for local files and buffers, without a promise per read. */
export function readWheelMetadataSync(
  source: SyncZipSource,
  options: ZipOpenOptions = {},
): WheelMetadata {
  const archive = ZipArchive.openSync(source, options);
  const { distInfo, entry } = findWheelMetadata(archive);
  return { distInfo, metadata: archive.readSync(entry, { maxSize: MAX_METADATA_SIZE }) };
}
