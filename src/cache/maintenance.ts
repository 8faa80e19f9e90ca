import type { Dirent } from "node:fs";
import { lstat, readdir, readFile, realpath, rmdir } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { PackageName } from "../normalize/index.ts";
import {
  addRemoval,
  emptyRemoval,
  isProcessAlive,
  type LockOptions,
  log,
  type Removal,
  removeTree,
  tempNameOwner,
  treeSize,
} from "../support/index.ts";
import { CACHE_BUCKETS, CacheBucket, PER_PACKAGE_BUCKETS } from "./bucket.ts";
import { CACHEDIR_TAG_FILE, type Cache, GITIGNORE_FILE, LOCK_FILE } from "./cache.ts";

/**
 * `puffin cache clean | prune | size`: whole-cache operations. `clean` and `prune` hold the
 * cache lock (`Cache.lock`) so two of them never interleave; other commands do not take it
 * (Node has no shared locks), which is why `prune` leaves alone what a running process may
 * still be writing: temp entries of live processes and freshly published archives.
 */
export interface MaintenanceOptions {
  /** Called if another `clean`/`prune` holds the cache lock, before waiting for it. */
  onWait?: LockOptions["onWait"];
  /** The current time, for the age rules of `pruneCache` (default `Date.now()`). */
  now?: number;
}

/** A temp entry whose writer still runs is kept, unless older than this (its pid was reused). */
const TEMP_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** An unlinked archive younger than this may belong to an install that has yet to link it. */
const ARCHIVE_GRACE_MS = 10 * 60 * 1000;
/**
 * How deep below a bucket entries (and so temp files) can be: `built-wheels-v0/index/<digest>/
 * <package>/<sdist>/<file>`. Deeper lie unzipped trees and checkouts, which hold no temp files.
 */
const MAX_ENTRY_DEPTH = 5;

/** Whether the cache root exists. */
export async function cacheExists(cache: Cache): Promise<boolean> {
  return (await lstatOrUndefined(cache.root))?.isDirectory() ?? false;
}

/** Removes every entry of the cache, and the root if nothing else appeared in it meanwhile. */
export async function clearCache(cache: Cache, options: MaintenanceOptions = {}): Promise<Removal> {
  const removal = emptyRemoval();
  if (!(await cacheExists(cache))) return removal;
  const lock = await cache.lock(lockOptions(options));
  try {
    for (const name of await listDirectory(cache.root)) {
      if (isLockFile(name)) continue;
      addRemoval(removal, await removeTree(join(cache.root, name)));
    }
  } finally {
    await lock.release();
  }
  try {
    await rmdir(cache.root);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
  }
  return removal;
}

/**
 * Removes every entry of these packages from the per-package buckets (see `bucket.ts`: the
 * entries named `<package>` or `<package>.*` under each source key), and the archives that only
 * those entries linked to or named.
 */
export async function removePackages(
  cache: Cache,
  names: readonly PackageName[],
  options: MaintenanceOptions = {},
): Promise<Removal> {
  const removal = emptyRemoval();
  if (names.length === 0 || !(await cacheExists(cache))) return removal;
  const wanted = new Set<string>(names);
  const lock = await cache.lock(lockOptions(options));
  try {
    const entries = await packageEntries(cache, wanted);
    const archiveRoot = await realpathOrUndefined(cache.bucket(CacheBucket.Archive));
    const linkedArchives = new Set<string>();
    const namedIds = new Set<string>();
    if (archiveRoot !== undefined) {
      for (const entry of entries) {
        await collectLinkTargets(entry, Number.POSITIVE_INFINITY, (target) => {
          if (dirname(target) === archiveRoot) linkedArchives.add(target);
        });
        for (const id of await namedArchiveIds(entry)) namedIds.add(id);
      }
    }
    for (const entry of entries) {
      log.debug(`Removing cache entry ${entry}`);
      addRemoval(removal, await removeTree(entry));
    }
    if (archiveRoot !== undefined && (linkedArchives.size > 0 || namedIds.size > 0)) {
      // The archives only the removed entries used go with them.
      const referenced = await referencedTargets(cache);
      const stillNamed = await namedArchiveIds(cache.bucket(CacheBucket.Wheels));
      for (const id of namedIds) {
        if (!stillNamed.has(id)) linkedArchives.add(join(archiveRoot, id));
      }
      for (const archive of linkedArchives) {
        if (referenced.has(archive) || stillNamed.has(basename(archive))) continue;
        if ((await lstatOrUndefined(archive)) === undefined) continue;
        log.debug(`Removing archive ${archive}, no longer used`);
        addRemoval(removal, await removeTree(archive));
      }
    }
  } finally {
    await lock.release();
  }
  return removal;
}

/**
 * Removes what nothing uses: top-level directories that are not buckets of this version (e.g.
 * `simple-v-1`, `wheels-v1` from another Puffin) and stray top-level files; temp files and
 * directories left by processes that died (their pid no longer runs here, or they are over a
 * day old); and archives that nothing uses — no link in any bucket points to them and no entry
 * of the wheels bucket names them (`namedArchiveIds`) — once older than ten minutes.
 */
export async function pruneCache(cache: Cache, options: MaintenanceOptions = {}): Promise<Removal> {
  const removal = emptyRemoval();
  if (!(await cacheExists(cache))) return removal;
  const now = options.now ?? Date.now();
  const lock = await cache.lock(lockOptions(options));
  try {
    for (const name of await listDirectory(cache.root)) {
      const path = join(cache.root, name);
      if (name === CACHEDIR_TAG_FILE || name === GITIGNORE_FILE || isLockFile(name)) continue;
      if (tempNameOwner(name) !== undefined) {
        if (await isTempLeftover(path, name, now)) addRemoval(removal, await remove(path, "temp"));
        continue;
      }
      const stats = await lstatOrUndefined(path);
      if (stats === undefined) continue;
      if (stats.isDirectory()) {
        if ((CACHE_BUCKETS as readonly string[]).includes(name) || name.startsWith(".")) continue;
        addRemoval(removal, await remove(path, "unknown bucket"));
      } else {
        addRemoval(removal, await remove(path, "stray file"));
      }
    }
    for (const bucket of CACHE_BUCKETS) {
      const depth = bucket === CacheBucket.Archive ? 1 : MAX_ENTRY_DEPTH;
      await sweepTempLeftovers(cache.bucket(bucket), depth, now, removal);
    }
    addRemoval(removal, await pruneArchives(cache, now));
  } finally {
    await lock.release();
  }
  return removal;
}

/** The total size in bytes of the files in the cache (0 if there is none). */
export function cacheSize(cache: Cache): Promise<number> {
  return treeSize(cache.root);
}

async function pruneArchives(cache: Cache, now: number): Promise<Removal> {
  const removal = emptyRemoval();
  const archiveDir = cache.bucket(CacheBucket.Archive);
  const names = await listDirectory(archiveDir);
  if (names.length === 0) return removal;
  const referenced = await referencedTargets(cache);
  const named = await namedArchiveIds(cache.bucket(CacheBucket.Wheels));
  for (const name of names) {
    if (tempNameOwner(name) !== undefined || named.has(name)) continue;
    const path = join(archiveDir, name);
    const target = await realpathOrUndefined(path);
    if (target === undefined || referenced.has(target)) continue;
    const stats = await lstatOrUndefined(path);
    if (stats === undefined || now - stats.mtimeMs < ARCHIVE_GRACE_MS) continue;
    addRemoval(removal, await remove(path, "unreferenced archive"));
  }
  return removal;
}

/** The entries of the wanted packages in every per-package bucket. */
async function packageEntries(cache: Cache, wanted: ReadonlySet<string>): Promise<string[]> {
  const found: string[] = [];
  for (const bucket of PER_PACKAGE_BUCKETS) {
    const bucketDir = cache.bucket(bucket);
    for (const kind of await listDirectory(bucketDir)) {
      if (kind.startsWith(".")) continue;
      for (const digest of await listDirectory(join(bucketDir, kind))) {
        if (digest.startsWith(".")) continue;
        for (const name of await listDirectory(join(bucketDir, kind, digest))) {
          const dot = name.indexOf(".");
          const stem = dot < 0 ? name : name.slice(0, dot);
          if (dot !== 0 && wanted.has(stem)) found.push(join(bucketDir, kind, digest, name));
        }
      }
    }
  }
  return found;
}

/**
 * The archive ids the JSON entries under `path` (the wheels bucket, or one package's entries in
 * it) name: a pointer's `id` (`*.archive.json`), and the first 32 hex digits of every SHA-256
 * digest an entry records — the id a wheel listed with that digest unzips to, which needs no
 * pointer (see `unzipWheel`, `WheelFetcher`). Any 64-hex string counts: naming an archive that
 * is not one only keeps it, never removes one that is used.
 */
async function namedArchiveIds(path: string, depth = MAX_ENTRY_DEPTH): Promise<Set<string>> {
  const ids = new Set<string>();
  const visit = async (at: string, left: number): Promise<void> => {
    const stats = await lstatOrUndefined(at);
    if (stats === undefined) return;
    if (stats.isFile()) {
      if (!at.endsWith(".json")) return;
      let text: string;
      try {
        text = await readFile(at, "utf8");
      } catch {
        return; // removed meanwhile, or unreadable: it names nothing
      }
      for (const match of text.matchAll(/"id"\s*:\s*"([0-9a-f]{32})"/g)) ids.add(match[1]!);
      for (const match of text.matchAll(/\b([0-9a-f]{64})\b/g)) ids.add(match[1]!.slice(0, 32));
      return;
    }
    if (!stats.isDirectory() || left <= 0) return;
    const names = await listDirectory(at);
    await Promise.all(names.map((name) => visit(join(at, name), left - 1)));
  };
  await visit(path, depth);
  return ids;
}

/** The real paths every symlink in the cache (outside the archive bucket) points to. */
async function referencedTargets(cache: Cache): Promise<Set<string>> {
  const targets = new Set<string>();
  for (const bucket of CACHE_BUCKETS) {
    if (bucket === CacheBucket.Archive) continue;
    await collectLinkTargets(cache.bucket(bucket), MAX_ENTRY_DEPTH, (target) =>
      targets.add(target),
    );
  }
  return targets;
}

/** Calls `visit` with the real target of each symlink under `path`, up to `depth` levels. */
async function collectLinkTargets(
  path: string,
  depth: number,
  visit: (target: string) => void,
): Promise<void> {
  const stats = await lstatOrUndefined(path);
  if (stats === undefined) return;
  if (stats.isSymbolicLink()) {
    const target = await realpathOrUndefined(path);
    if (target !== undefined) visit(target);
    return;
  }
  if (!stats.isDirectory() || depth <= 0) return;
  const names = await listDirectory(path);
  await Promise.all(names.map((name) => collectLinkTargets(join(path, name), depth - 1, visit)));
}

async function sweepTempLeftovers(
  directory: string,
  depth: number,
  now: number,
  removal: Removal,
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  for (const entry of entries) {
    const path = join(directory, entry.name);
    if (tempNameOwner(entry.name) !== undefined) {
      if (await isTempLeftover(path, entry.name, now))
        addRemoval(removal, await remove(path, "temp"));
    } else if (entry.isDirectory() && depth > 1) {
      await sweepTempLeftovers(path, depth - 1, now, removal);
    }
  }
}

async function isTempLeftover(path: string, name: string, now: number): Promise<boolean> {
  const pid = tempNameOwner(name);
  if (pid === undefined) return false;
  if (pid !== process.pid && !isProcessAlive(pid)) return true;
  const stats = await lstatOrUndefined(path);
  return stats !== undefined && now - stats.mtimeMs > TEMP_MAX_AGE_MS;
}

async function remove(path: string, why: string): Promise<Removal> {
  log.debug(`Removing ${why}: ${path}`);
  return removeTree(path);
}

function isLockFile(name: string): boolean {
  return name === LOCK_FILE || name.startsWith(`${LOCK_FILE}.`);
}

function lockOptions(options: MaintenanceOptions): LockOptions {
  return options.onWait === undefined ? {} : { onWait: options.onWait };
}

async function listDirectory(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

async function realpathOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}
