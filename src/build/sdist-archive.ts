import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, posix } from "node:path";
import { x as extractTar, type ReadEntry } from "tar";
import { sourceDistExtension } from "../filenames/index.ts";
import { PuffinError, redactCredentials } from "../support/index.ts";
import { BufferZipSource, ZipArchive } from "../zip/index.ts";

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
 * Extracts a source distribution (`.tar.gz`, `.tar`, `.zip`) into `destination` (an empty
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
 * `.tar.bz2`, `.tar.xz`, `.tar.zst`, `.tar.lzma` and `.tar.lz` fail with
 * `sdist-unsupported-compression`: Node.js (`node:zlib`, Node 20) has gzip and deflate only.
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
    case "tar":
      await extractTarArchive(archive, destination, display);
      break;
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
        `Cannot extract ${display}: \`.${extension}\` archives are not supported, because Node.js has no ${extension.slice(4)} decompressor (only gzip)`,
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

async function extractTarArchive(archive: string, destination: string, display: string) {
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
  try {
    await extractTar({
      file: archive,
      cwd: destination,
      strict: true,
      preservePaths: false,
      filter: (path, entry) => {
        if (refused !== undefined) return false;
        const problem = check(path, entry as ReadEntry);
        if (problem !== undefined) refused = unsafeEntry(display, path, problem);
        return problem === undefined;
      },
    });
  } catch (error) {
    if (refused !== undefined) throw refused;
    throw new PuffinError(
      "sdist-invalid",
      `Failed to extract ${display}: it is not a valid tar archive`,
      { cause: error },
    );
  }
  if (refused !== undefined) throw refused;
}

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
