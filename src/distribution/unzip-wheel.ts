import { mkdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { type Cache, CacheBucket } from "../cache/index.ts";
import type { CachedDist } from "../distribution-types/index.ts";
import { WheelFilename } from "../filenames/index.ts";
import { PackageName } from "../normalize/index.ts";
import {
  HashPolicy,
  parseRecord,
  RecordCheck,
  type RecordEntry,
  StreamHasher,
} from "../pypi-types/index.ts";
import {
  ArchiveBudget,
  type ArchiveLimits,
  ArchivePaths,
  createTempDirectory,
  DEFAULT_ARCHIVE_LIMITS,
  describeSystemError,
  isDirectory,
  PuffinError,
  publishDirectory,
  redactCredentials,
  removeTree,
} from "../support/index.ts";
import {
  FileZipSource,
  type SyncZipSource,
  writeEntry,
  ZipArchive,
  type ZipEntry,
} from "../zip/index.ts";

/** Files of `.dist-info` that RECORD does not list (binary distribution format). */
const UNLISTED = new Set(["RECORD", "RECORD.jws", "RECORD.p7s"]);
/** Small entries are read from windows of this size (see `FileZipSource`). */
const READ_AHEAD = 1024 * 1024;
/** The wheel is hashed this many bytes at a time. */
const HASH_CHUNK = 1024 * 1024;
/**
 * A RECORD larger than this is refused rather than read into memory: the largest of the offline
 * index (tensorflow's, 15 632 rows) is about 2 MB.
 */
const MAX_RECORD_SIZE = 64 * 1024 * 1024;

export interface UnzipWheelOptions {
  /** Path of the `.whl` file. */
  readonly wheel: string;
  readonly cache: Cache;
  /**
   * What the file must hash to (the index's listing, a URL's fragment, `--hash`), checked as it
   * is hashed for its archive id; a mismatch is a `hash-mismatch` error.
   */
  readonly policy?: HashPolicy | undefined;
  /** What to call the wheel in messages (its URL); defaults to the path. */
  readonly displayName?: string;
  /** How much the wheel may unpack to; default `DEFAULT_ARCHIVE_LIMITS`. */
  readonly limits?: ArchiveLimits | undefined;
}

/**
 * Unzips a wheel into the cache's `archive-v0/<id>/`, where `<id>` is the first 32 hex digits
 * of the file's SHA-256: the same wheel bytes, from any source, share one tree, and a tree that
 * exists was fully verified by whoever published it, so it is reused without unzipping again.
 *
 * Checked before anything is written: the file's hash policy; the entry count and the entries'
 * declared sizes in all against `limits` (`archive-too-many-entries`, `archive-too-large`);
 * every entry name (relative, no `..`, no absolute or drive paths — refused by `ZipArchive` when
 * the directory is read), and no two entries landing on one path (`a` and `a/b`); no symbolic
 * links (a wheel has no way to mean one, and one could point out of the tree); exactly one
 * `.dist-info` directory at the root, named for the wheel's project; a parsable `RECORD` listing
 * every file (except `RECORD` and its signatures). Checked as each entry is written: its CRC and
 * size (it never inflates past what it declares), its size and hash against `RECORD`, and the
 * bytes written in all against `limits`. The tree is written in a temp directory of the bucket
 * and published with a rename, so a failure (or a killed process) leaves nothing under the final
 * name, and the temp directory is removed.
 *
 * Memory stays bounded whatever the wheel's size: the file is hashed as a stream and read with
 * positioned reads (one open file for both), and large entries are inflated, hashed and written in chunks; only small
 * entries (`WHOLE_READ_LIMIT`) are inflated whole, which is fastest for them.
 */
export async function unzipWheel(options: UnzipWheelOptions): Promise<CachedDist> {
  const display = redactCredentials(options.displayName ?? options.wheel);
  const filename = parseFilename(options.wheel, display);
  // One open file for hashing and unzipping: a file replaced meanwhile cannot slip in.
  const source = FileZipSource.open(options.wheel, { name: display, readAhead: READ_AHEAD });
  try {
    const hashes = await checkHashes(source, options.policy ?? HashPolicy.NONE, display);
    const sha256 = hashes["sha256"]!;
    const bucket = options.cache.bucket(CacheBucket.Archive);
    const target = join(bucket, sha256.slice(0, 32));
    if (await isDirectory(target)) return { filename, path: target, hashes };

    const limits = options.limits ?? DEFAULT_ARCHIVE_LIMITS;
    const archive = ZipArchive.openSync(source, { limits });
    const record = readRecord(archive, filename, display);
    await options.cache.init();
    const temp = await createTempDirectory(bucket);
    try {
      await extract(archive, record, temp, { display, limits });
    } catch (error) {
      await removeTree(temp);
      // A full or read-only cache names the file being written (or the bucket).
      throw describeSystemError(error, { area: "cache", path: bucket }) ?? error;
    }
    await publishDirectory(temp, target);
    return { filename, path: target, hashes };
  } finally {
    source.close();
  }
}

function parseFilename(path: string, display: string): WheelFilename {
  try {
    return WheelFilename.parse(basename(path));
  } catch (error) {
    throw new PuffinError("invalid-wheel", `${display} is not named like a wheel`, {
      cause: error,
    });
  }
}

/**
 * Hashes the file with its SHA-256 (its archive id) and what `policy` needs, reading it as a
 * stream `HASH_CHUNK` bytes at a time, and verifies the policy; returns the digests.
 */
async function checkHashes(
  source: FileZipSource,
  policy: HashPolicy,
  display: string,
): Promise<Record<string, string>> {
  const hasher = new StreamHasher(policy.algorithms(display));
  for (let at = 0; at < source.size; at += HASH_CHUNK) {
    hasher.update(await source.read(at, Math.min(HASH_CHUNK, source.size - at)));
  }
  const digests = hasher.digests();
  policy.verify(digests, display);
  return digests;
}

/** Finds the wheel's `.dist-info` and parses its RECORD, checking the archive's shape. */
function readRecord(
  archive: ZipArchive<SyncZipSource>,
  filename: WheelFilename,
  display: string,
): Map<string, RecordEntry> {
  const distInfos = new Set<string>();
  const paths = new ArchivePaths();
  for (const entry of archive.entries) {
    if (entry.isSymlink) {
      throw new PuffinError(
        "invalid-wheel",
        `${display} has a symbolic link entry ${JSON.stringify(entry.name)}; wheels cannot contain links`,
        { hint: "The archive may be malicious; Puffin refuses to install it" },
      );
    }
    const collision = paths.claim(entry.name, entry.isDirectory ? "directory" : "file");
    if (collision !== undefined) {
      throw new PuffinError(
        "invalid-wheel",
        `${display} has the entry ${JSON.stringify(entry.name)}, which ${collision}`,
        { hint: "Two entries of the wheel would be written to one path; it cannot be installed" },
      );
    }
    const top = entry.name.split("/", 1)[0]!;
    if (top.endsWith(".dist-info") && top !== entry.name) distInfos.add(top);
  }
  if (distInfos.size !== 1) {
    throw new PuffinError(
      "invalid-wheel",
      distInfos.size === 0
        ? `${display} has no .dist-info directory`
        : `${display} has more than one .dist-info directory: ${[...distInfos].sort().join(", ")}`,
    );
  }
  const distInfo = [...distInfos][0]!;
  const distInfoName = distInfo.slice(0, -".dist-info".length).split("-", 1)[0]!;
  if (PackageName.fromValid(distInfoName) !== filename.name) {
    throw new PuffinError(
      "invalid-wheel",
      `${display}: its .dist-info directory \`${distInfo}\` is not named for the project \`${filename.name}\``,
    );
  }
  const recordPath = `${distInfo}/RECORD`;
  const recordEntry = archive.findEntry(recordPath);
  if (recordEntry === undefined) {
    throw new PuffinError("invalid-wheel", `${display} has no ${recordPath}`);
  }
  const text = Buffer.from(archive.readSync(recordEntry, { maxSize: MAX_RECORD_SIZE })).toString(
    "utf8",
  );
  const record = new Map<string, RecordEntry>();
  for (const row of parseRecord(text, `${recordPath} in ${display}`)) record.set(row.path, row);
  for (const entry of archive.entries) {
    if (entry.isDirectory || record.has(entry.name)) continue;
    const inDistInfo = entry.name.startsWith(`${distInfo}/`);
    if (inDistInfo && UNLISTED.has(entry.name.slice(distInfo.length + 1))) continue;
    throw new PuffinError(
      "invalid-wheel",
      `${display} has the file ${JSON.stringify(entry.name)}, which its RECORD does not list`,
    );
  }
  return record;
}

/**
 * Writes every entry under `root`, verifying each against RECORD as it is written, and what is
 * written in all against the limits.
 */
async function extract(
  archive: ZipArchive<SyncZipSource>,
  record: Map<string, RecordEntry>,
  root: string,
  { display, limits }: { display: string; limits: ArchiveLimits },
): Promise<void> {
  const budget = new ArchiveBudget(display, limits);
  const made = new Set<string>([root]);
  const ensureDir = (dir: string) => {
    if (made.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    made.add(dir);
  };
  for (const entry of archive.entries) {
    budget.entry();
    const path = join(root, entry.name);
    if (entry.isDirectory) {
      ensureDir(path);
      continue;
    }
    const expected = record.get(entry.name);
    const check = expected === undefined ? undefined : new RecordCheck(expected);
    ensureDir(dirname(path));
    const writing = writeEntry(archive, entry, path, {
      mode: fileMode(entry),
      onChunk: (chunk) => {
        budget.bytes(chunk.length);
        check?.update(chunk);
      },
    });
    if (writing !== undefined) await writing;
    const mismatch = check?.mismatch();
    if (mismatch !== undefined) {
      throw new PuffinError(
        "record-mismatch",
        `${display}: the file ${JSON.stringify(entry.name)} does not match RECORD: ${mismatch}`,
        { hint: "The wheel is corrupt or was modified after it was built" },
      );
    }
  }
}

/** 0o755 when the archive gives any execute bit, else 0o644 (pip does the same, umask aside). */
function fileMode(entry: ZipEntry): number {
  return entry.unixMode !== undefined && (entry.unixMode & 0o111) !== 0 ? 0o755 : 0o644;
}
