import { once } from "node:events";
import type { Stats } from "node:fs";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, posix } from "node:path";
import { x as extractTar, type ReadEntry, type Unpack } from "tar";
import { sourceDistExtension } from "../filenames/index.ts";
import { PuffinError, redactCredentials } from "../support/index.ts";
import { BufferZipSource, ZipArchive } from "../zip/index.ts";
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
 * Every tar goes through the same checks; bzip2, xz and LZMA-alone are decompressed as a stream
 * into the same extraction (`tar-decompression.ts`), and a truncated or corrupt one fails with
 * `sdist-invalid`. `.tar.zst` and `.tar.lz` (lzip) fail with `sdist-unsupported-compression`:
 * Node.js 20 has no decompressor for them, and pip (Python's `tarfile`) reads neither.
 */
export async function extractSdist(
  archive: string,
  destination: string,
  /** What to call the archive in messages (a downloaded file by its name, not its temp path). */
  display = redactCredentials(archive),
): Promise<string> {
  const extension = sourceDistExtension(basename(archive));
  if ((await stat(archive)).size === 0) {
    throw new PuffinError("sdist-invalid", `Failed to extract ${display}: the file is empty`);
  }
  switch (extension) {
    case "tar.gz":
    case "tgz":
    case "tar":
      await extractTarArchive({ archive, destination, display });
      break;
    case "tar.bz2":
    case "tbz":
      await extractTarArchive({ archive, destination, display, compression: "bzip2" });
      break;
    case "tar.xz":
    case "txz":
    case "tar.lzma":
    case "tlz": {
      const compression = await xzOrLzma(archive);
      await extractTarArchive({ archive, destination, display, compression });
      break;
    }
    case "zip":
      await extractZipArchive(archive, destination, display);
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

interface TarArchive {
  readonly archive: string;
  readonly destination: string;
  readonly display: string;
  /** Decompressed here first; without one, `tar` reads the file (plain or gzip) itself. */
  readonly compression?: TarCompression;
}

async function extractTarArchive({ archive, destination, display, compression }: TarArchive) {
  // The filter sees every entry (after pax/GNU long names) before tar writes it; a refused
  // entry stops the extraction at the end and the caller discards what was written.
  let refused: PuffinError | undefined;
  const check = (path: string, entry: ReadEntry): string | undefined => {
    const nameProblem = unsafeName(path);
    if (nameProblem !== undefined) return nameProblem;
    if (!TAR_TYPES.has(entry.type)) return `is a ${entry.type} entry, not a file or directory`;
    const linkpath = entry.linkpath ?? "";
    if (entry.type === "SymbolicLink" && !staysInside(posix.dirname(path), linkpath)) {
      return `is a symbolic link to ${JSON.stringify(linkpath)}, outside the archive`;
    }
    if (entry.type === "Link" && !staysInside(".", linkpath)) {
      return `is a hard link to ${JSON.stringify(linkpath)}, outside the archive`;
    }
    return undefined;
  };
  const options = {
    cwd: destination,
    strict: true,
    preservePaths: false,
    filter: (path: string, entry: ReadEntry | Stats) => {
      if (refused !== undefined) return false;
      const problem = check(path, entry as ReadEntry);
      if (problem !== undefined) refused = unsafeEntry(display, path, problem);
      return problem === undefined;
    },
  };
  try {
    if (compression === undefined) {
      await extractTar({ ...options, file: archive });
    } else {
      await unpackStream(
        decompressedChunks(archive, compression, { display }),
        extractTar(options),
        {
          display,
          compression,
        },
      );
    }
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
 * Writes the decompressed tar into `unpack` with back-pressure and waits until every entry is
 * written. A decoding failure aborts the extraction as `sdist-invalid` naming the compression
 * (a `PuffinError` of the decoder's, such as `sdist-too-large`, as it is); a tar failure is
 * rethrown as is.
 */
async function unpackStream(
  chunks: AsyncIterable<Uint8Array>,
  unpack: Unpack,
  { display, compression }: { display: string; compression: TarCompression },
): Promise<void> {
  const finished = new Promise<void>((resolve, reject) => {
    unpack.on("close", () => resolve());
    unpack.on("error", reject);
  });
  // Observed below; a rejection while the decoder is still running must not go unhandled.
  finished.catch(() => {});
  try {
    for await (const chunk of chunks) {
      if (!unpack.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))) {
        await Promise.race([once(unpack, "drain"), finished]);
      }
    }
  } catch (error) {
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

async function extractZipArchive(archive: string, destination: string, display: string) {
  let zip: ZipArchive<BufferZipSource>;
  try {
    zip = ZipArchive.openSync(new BufferZipSource(await readFile(archive), display));
  } catch (error) {
    if (error instanceof PuffinError && error.code === "zip-unsafe-name") {
      throw new PuffinError("sdist-unsafe-entry", `Refusing to extract ${display}`, {
        cause: error,
        hint: "the archive may be malicious; Puffin extracts nothing from it",
      });
    }
    throw error;
  }
  for (const entry of zip.entries) {
    const problem = unsafeName(entry.name);
    if (problem !== undefined) throw unsafeEntry(display, entry.name, problem);
    // A zip has no portable way to say "link": an entry with the symlink mode is refused
    // rather than written as a link (Python's zipfile, which pip uses, writes a plain file).
    if (entry.isSymlink) throw unsafeEntry(display, entry.name, "is a symbolic link");
  }
  for (const entry of zip.entries) {
    const target = join(destination, entry.name);
    if (entry.isDirectory) {
      await mkdir(target, { recursive: true });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    const executable = entry.unixMode !== undefined && (entry.unixMode & 0o111) !== 0;
    await writeFile(target, zip.readSync(entry), { mode: executable ? 0o755 : 0o644 });
  }
}
