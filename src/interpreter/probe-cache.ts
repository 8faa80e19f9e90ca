import { realpath } from "node:fs/promises";
import { resolve } from "node:path";
import {
  type Cache,
  CacheBucket,
  type FileStamp,
  fileStamp,
  fnvDigest,
  isFileStamp,
  readJsonEntry,
  writeJsonEntry,
} from "../cache/index.ts";
import { log, PuffinError } from "../support/index.ts";
import { Interpreter, type InterpreterInfo } from "./interpreter.ts";
import { type ProcessRunner, probeInterpreter, runProcess } from "./probe.ts";

/**
 * The interpreter bucket of Puffin's cache: one JSON entry per interpreter path, so that a
 * second run does not start Python at all.
 *
 *   <cache root>/interpreter-v1/
 *     <fnvDigest(absolute executable path)>.json
 *       { "version": 1, "writtenAt", "value": { "executable", "stamp", "info": InterpreterInfo } }
 *
 * The entry records its executable, so paths whose digests collide read each other's entry as a
 * miss (and the probe rewrites it). The key is the path as given (not resolved), because a
 * venv's `bin/python` is a symlink to its base interpreter yet answers differently (its
 * `sys.prefix` is the venv). Freshness is the file stamp (mtime, size) of the real file behind
 * the path, including which file that is: reinstalling or upgrading Python, or pointing the
 * symlink elsewhere, invalidates the entry. Unreadable or malformed entries read as missing and
 * are rewritten (`readJsonEntry`); writes are atomic, so concurrent Puffins never read half an
 * entry.
 *
 * A wrapper that is not the interpreter itself (a pyenv shim, a shell script) is probed every
 * time and not cached under its own path: what it starts may change without its stamp changing.
 * Its answer is cached under the interpreter it reported instead.
 */
interface ProbeEntry {
  executable: string;
  stamp: FileStamp;
  info: InterpreterInfo;
}

const PROBE_ENTRY = {
  version: 1,
  validate: (value: unknown): value is ProbeEntry => {
    if (typeof value !== "object" || value === null) return false;
    const { executable, stamp, info } = value as Record<string, unknown>;
    if (typeof executable !== "string" || !isFileStamp(stamp)) return false;
    if (typeof info !== "object" || info === null) return false;
    const described = info as Record<string, unknown>;
    return typeof described["executable"] === "string" && typeof described["markers"] === "object";
  },
};

export interface QueryOptions {
  /** The cache; `undefined` probes every time. */
  cache: Cache | undefined;
  runner?: ProcessRunner;
  /** How long a probe may take (see `probeInterpreter`); default 20 s. */
  probeTimeoutMs?: number | undefined;
}

/** Describes the interpreter at `executable`, from the cache when its entry is fresh. */
export async function queryInterpreter(
  executable: string,
  options: QueryOptions,
): Promise<Interpreter> {
  const path = resolve(executable);
  const stamp = await realStamp(path);
  if (stamp === undefined) {
    throw new PuffinError("interpreter-not-found", `No Python interpreter at \`${path}\``);
  }
  const { cache } = options;
  if (cache !== undefined) {
    const cached = await readJsonEntry(entryPath(cache, path), PROBE_ENTRY);
    if (
      cached !== undefined &&
      cached.value.executable === path &&
      sameStamp(cached.value.stamp, stamp)
    ) {
      log.debug(`Cached interpreter info for ${path}`);
      return new Interpreter(cached.value.info);
    }
  }
  log.debug(`Probing interpreter ${path}`);
  const info = await probeInterpreter(
    path,
    options.runner ?? runProcess,
    options.probeTimeoutMs === undefined ? {} : { timeoutMs: options.probeTimeoutMs },
  );
  if (cache !== undefined) {
    const reportedPath = resolve(info.executable);
    const reported = await realStamp(reportedPath);
    if (reported !== undefined && sameStamp(reported, stamp)) await write(cache, path, stamp, info);
    if (reported !== undefined && reportedPath !== path) {
      await write(cache, reportedPath, reported, info);
    }
  }
  return new Interpreter(info);
}

/** The stamp of the real file behind `path` (its `path` is the resolved one). */
async function realStamp(path: string): Promise<FileStamp | undefined> {
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    return undefined;
  }
  return fileStamp(real);
}

function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.path === b.path && a.mtimeMs === b.mtimeMs && a.size === b.size;
}

function entryPath(cache: Cache, executable: string): string {
  return cache.shard(CacheBucket.Interpreter, `${fnvDigest(executable)}.json`);
}

async function write(
  cache: Cache,
  executable: string,
  stamp: FileStamp,
  info: InterpreterInfo,
): Promise<void> {
  const entry: ProbeEntry = { executable, stamp, info };
  try {
    await cache.init();
    await writeJsonEntry(entryPath(cache, executable), PROBE_ENTRY, entry);
  } catch (cause) {
    throw new PuffinError(
      "cache-write-failed",
      `Failed to write the interpreter cache entry for \`${executable}\``,
      { cause },
    );
  }
}
