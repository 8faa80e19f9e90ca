import { once } from "node:events";
import { createReadStream, type Stats } from "node:fs";
import { mkdir, readdir, stat } from "node:fs/promises";
import { basename, dirname, join, posix } from "node:path";
import { x as extractTar, type ReadEntry, type Unpack } from "tar";
import { sourceDistExtension } from "../filenames/index.ts";
import {
  ArchiveBudget,
  type ArchiveLimits,
  ArchivePaths,
  DEFAULT_ARCHIVE_LIMITS,
  PuffinError,
  redactCredentials,
} from "../support/index.ts";
import { FileZipSource, writeEntry, ZipArchive } from "../zip/index.ts";
import { decompressedChunks, type TarCompression, xzOrLzma } from "./tar-decompression.ts";

/** Entry types a source distribution may hold; anything else (devices, FIFOs…) is refused. */
const TAR_TYPES = new Set([
  "File",
  "OldFile",
  "ContiguousFile",
  "Directory",
  "SymbolicLink",
  "Link",
]);

export interface ExtractSdistOptions {
  /** What to call the archive in messages (a downloaded file by its name, not its temp path). */
  readonly display?: string | undefined;
  /** How much the archive may unpack to; default `DEFAULT_ARCHIVE_LIMITS`. */
  readonly limits?: ArchiveLimits | undefined;
}

/**
 * Extracts a source distribution (`.tar.gz`, `.tgz`, `.tar`, `.zip`, `.tar.bz2`, `.tbz`, `.tar.xz`,
 * `.txz`, `.tar.lzma`, `.tlz`) into `destination` (an empty
 * directory) and returns the source tree: the archive's single top-level directory, as the
 * sdist format requires (https://packaging.python.org/en/latest/specifications/source-distribution-format/),
 * or `destination` itself for an archive without one (older sdists; pip and uv accept them).
 *
 * Safe extraction, checked for every entry before anything of it is written: no absolute path,
 * no `..` component, no NUL; links only within the tree (a symlink's target resolved from its
 * own directory, a hard link's from the root); only files, directories and links (no devices,
 * FIFOs). One bad entry refuses the whole archive (`sdist-unsafe-entry`); the caller removes
 * `destination`. `tar` itself also refuses to write through a symlink it extracted.
 *
 * Two entries that would land on one path (a file `a` and a directory `a`, or a file `a` and
 * `a/b`, or a file or link named twice) are refused as `sdist-path-conflict`, naming the entry.
 * The archive's members may not exceed `limits` in number or in bytes in all
 * (`archive-too-many-entries`, `archive-too-large`, with a zip's declared sizes checked before
 * anything is written, and what is really written counted as it is): extraction stops at the
 * first entry past a limit, so a bomb never fills the disk. Memory stays bounded: tar entries
 * and large zip entries are streamed.
 *
 * Every tar goes through the same checks; bzip2, xz and LZMA-alone are decompressed as a stream
 * into the same extraction (`tar-decompression.ts`), and a truncated or corrupt one fails with
 * `sdist-invalid`. `.tar.zst` and `.tar.lz` (lzip) fail with `sdist-unsupported-compression`:
 * Node.js 20 has no decompressor for them, and pip (Python's `tarfile`) reads neither.
 */
export async function extractSdist(
  archive: string,
  destination: string,
  options: ExtractSdistOptions = {},
): Promise<string> {
  const display = options.display ?? redactCredentials(archive);
  const limits = options.limits ?? DEFAULT_ARCHIVE_LIMITS;
  const extension = sourceDistExtension(basename(archive));
  if ((await stat(archive)).size === 0) {
    throw new PuffinError("sdist-invalid", `Failed to extract ${display}: the file is empty`);
  }
  switch (extension) {
    case "tar.gz":
    case "tgz":
    case "tar":
      await extractTarArchive({ archive, destination, display, limits });
      break;
    case "tar.bz2":
    case "tbz":
      await extractTarArchive({ archive, destination, display, limits, compression: "bzip2" });
      break;
    case "tar.xz":
    case "txz":
    case "tar.lzma":
    case "tlz": {
      const compression = await xzOrLzma(archive);
      await extractTarArchive({ archive, destination, display, limits, compression });
      break;
    }
    case "zip":
      await extractZipArchive(archive, destination, display, limits);
      break;
    case undefined:
      throw new PuffinError(
        "sdist-unknown-format",
        `${display} is not a source distribution archive (expected .tar.gz or .zip)`,
      );
    default:
      throw new PuffinError(
        "sdist-unsupported-compression",
        `Cannot extract ${display}: \`.${extension}\` archives are not supported, because Node.js has no ${extension === "tar.zst" ? "zstd" : "lzip"} decompressor`,
        { hint: "use a `.tar.gz` or `.zip` source distribution, or a wheel, of this package" },
      );
  }
  const top = await readdir(destination, { withFileTypes: true });
  const only = top.length === 1 ? top[0] : undefined;
  return only?.isDirectory() ? join(destination, only.name) : destination;
}

/** Why an entry name is unsafe, or undefined when it is fine. */
function unsafeName(name: string): string | undefined {
  if (name.includes("\0")) return "contains a NUL byte";
  if (name.startsWith("/") || /^[A-Za-z]:/.test(name) || name.startsWith("\\")) {
    return "is an absolute path";
  }
  if (name.split(/[/\\]/).includes("..")) return "contains a `..` component";
  return undefined;
}

/** Whether `target`, resolved from `from` (a directory relative to the root), stays inside. */
function staysInside(from: string, target: string): boolean {
  if (unsafeName(target) === "is an absolute path") return false;
  const resolved = posix.normalize(posix.join(from, target.replaceAll("\\", "/")));
  return resolved !== ".." && !resolved.startsWith("../");
}

function unsafeEntry(display: string, name: string, reason: string): PuffinError {
  return new PuffinError(
    "sdist-unsafe-entry",
    `Refusing to extract ${display}: entry ${JSON.stringify(name)} ${reason}`,
    { hint: "the archive may be malicious; Puffin extracts nothing from it" },
  );
}

function pathConflict(display: string, name: string, reason: string): PuffinError {
  return new PuffinError(
    "sdist-path-conflict",
    `Cannot extract ${display}: entry ${JSON.stringify(name)} ${reason}`,
    { hint: "two entries of the archive would be written to one path; the archive is broken" },
  );
}

interface TarArchive {
  readonly archive: string;
  readonly destination: string;
  readonly display: string;
  readonly limits: ArchiveLimits;
  /** Decompressed here first; without one, the file goes to `tar` as is (plain, or gzip). */
  readonly compression?: TarCompression;
}

/** Bytes read from a `.tar`/`.tar.gz` at once: what remains is not read once an entry is refused. */
const TAR_READ_SIZE = 1024 * 1024;

async function extractTarArchive({
  archive,
  destination,
  display,
  limits,
  compression,
}: TarArchive) {
  // The filter sees every entry (after pax/GNU long names) before tar writes it. The first
  // refused entry (unsafe, conflicting, or past a limit) stops the extraction: no more input is
  // given to tar, and the caller discards what was written.
  let refused: PuffinError | undefined;
  const budget = new ArchiveBudget(display, limits);
  const paths = new ArchivePaths();
  const check = (path: string, entry: ReadEntry): PuffinError | undefined => {
    budget.entry();
    budget.bytes(entry.size ?? 0);
    const nameProblem = unsafeName(path);
    if (nameProblem !== undefined) return unsafeEntry(display, path, nameProblem);
    if (!TAR_TYPES.has(entry.type)) {
      return unsafeEntry(display, path, `is a ${entry.type} entry, not a file or directory`);
    }
    const linkpath = entry.linkpath ?? "";
    if (entry.type === "SymbolicLink" && !staysInside(posix.dirname(path), linkpath)) {
      return unsafeEntry(
        display,
        path,
        `is a symbolic link to ${JSON.stringify(linkpath)}, outside the archive`,
      );
    }
    if (entry.type === "Link" && !staysInside(".", linkpath)) {
      return unsafeEntry(
        display,
        path,
        `is a hard link to ${JSON.stringify(linkpath)}, outside the archive`,
      );
    }
    const conflict = paths.claim(path, entry.type === "Directory" ? "directory" : "file");
    if (conflict !== undefined) return pathConflict(display, path, conflict);
    return undefined;
  };
  const options = {
    cwd: destination,
    strict: true,
    preservePaths: false,
    filter: (path: string, entry: ReadEntry | Stats) => {
      if (refused !== undefined) return false;
      try {
        refused = check(path, entry as ReadEntry);
      } catch (error) {
        if (!(error instanceof PuffinError)) throw error;
        refused = error;
      }
      return refused === undefined;
    },
  };
  const chunks =
    compression === undefined
      ? (createReadStream(archive, { highWaterMark: TAR_READ_SIZE }) as AsyncIterable<Buffer>)
      : decompressedChunks(archive, compression, { display, maxSize: limits.maxSize });
  try {
    await unpackStream(chunks, extractTar(options), {
      display,
      compression,
      stopped: () => refused !== undefined,
    });
  } catch (error) {
    if (refused !== undefined) throw refused;
    if (error instanceof PuffinError) throw error;
    throw new PuffinError(
      "sdist-invalid",
      `Failed to extract ${display}: it is not a valid tar archive`,
      { cause: error },
    );
  }
  if (refused !== undefined) throw refused;
}

/**
 * Writes the (decompressed) tar into `unpack` with back-pressure and waits until every entry is
 * written, or, once `stopped()`, ends the input there and waits for what was accepted so far. A
 * failure of the decoder aborts the extraction as `sdist-invalid` naming the compression (a
 * `PuffinError` of the decoder's, such as `sdist-too-large`, as it is); a failure reading the
 * file or of tar itself is rethrown as is.
 */
async function unpackStream(
  chunks: AsyncIterable<Uint8Array>,
  unpack: Unpack,
  {
    display,
    compression,
    stopped,
  }: { display: string; compression: TarCompression | undefined; stopped: () => boolean },
): Promise<void> {
  const finished = new Promise<void>((resolve, reject) => {
    unpack.on("close", () => resolve());
    unpack.on("error", reject);
  });
  // Observed below; a rejection while the decoder is still running must not go unhandled.
  finished.catch(() => {});
  const decoding: { failure?: unknown } = {};
  const decoded = async function* () {
    try {
      yield* chunks;
    } catch (error) {
      decoding.failure = error;
      throw error;
    }
  };
  try {
    for await (const chunk of decoded()) {
      if (stopped()) break;
      if (!unpack.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
        await Promise.race([once(unpack, "drain"), finished]);
      }
    }
  } catch (error) {
    if (!("failure" in decoding) || compression === undefined) throw error;
    unpack.abort(new Error("the decompression failed"));
    if (error instanceof PuffinError) throw error;
    throw new PuffinError(
      "sdist-invalid",
      `Failed to extract ${display}: its ${COMPRESSION_NAMES[compression]} data is truncated or corrupt`,
      { cause: error },
    );
  }
  unpack.end();
  await finished;
}

const COMPRESSION_NAMES: Record<TarCompression, string> = {
  bzip2: "bzip2",
  xz: "xz",
  lzma: "LZMA",
};

async function extractZipArchive(
  archive: string,
  destination: string,
  display: string,
  limits: ArchiveLimits,
) {
  const source = FileZipSource.open(archive, { name: display, readAhead: 1024 * 1024 });
  try {
    let zip: ZipArchive<FileZipSource>;
    try {
      zip = ZipArchive.openSync(source, { limits });
    } catch (error) {
      if (error instanceof PuffinError && error.code === "zip-unsafe-name") {
        throw new PuffinError("sdist-unsafe-entry", `Refusing to extract ${display}`, {
          cause: error,
          hint: "the archive may be malicious; Puffin extracts nothing from it",
        });
      }
      throw error;
    }
    const paths = new ArchivePaths();
    for (const entry of zip.entries) {
      const problem = unsafeName(entry.name);
      if (problem !== undefined) throw unsafeEntry(display, entry.name, problem);
      // A zip has no portable way to say "link": an entry with the symlink mode is refused
      // rather than written as a link (Python's zipfile, which pip uses, writes a plain file).
      if (entry.isSymlink) throw unsafeEntry(display, entry.name, "is a symbolic link");
      const conflict = paths.claim(entry.name, entry.isDirectory ? "directory" : "file");
      if (conflict !== undefined) throw pathConflict(display, entry.name, conflict);
    }
    const budget = new ArchiveBudget(display, limits);
    for (const entry of zip.entries) {
      budget.entry();
      const target = join(destination, entry.name);
      if (entry.isDirectory) {
        await mkdir(target, { recursive: true });
        continue;
      }
      await mkdir(dirname(target), { recursive: true });
      const executable = entry.unixMode !== undefined && (entry.unixMode & 0o111) !== 0;
      await writeEntry(zip, entry, target, {
        mode: executable ? 0o755 : 0o644,
        onChunk: (chunk) => budget.bytes(chunk.length),
      });
    }
  } finally {
    source.close();
  }
}
