import { rmSync } from "node:fs";
import { access, mkdtemp } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import type { PackageName } from "../normalize/index.ts";
import {
  FileLock,
  fsError,
  isTruthy,
  type LockOptions,
  writeFileAtomic,
} from "../support/index.ts";
import type { CacheBucket } from "./bucket.ts";
import { type CacheSource, sourceKey } from "./cache-key.ts";
import { mustRevalidate, type Refresh } from "./refresh.ts";

/** The standard signature line, then a note; see https://bford.info/cachedir/. */
export const CACHEDIR_TAG =
  "Signature: 8a477f597d28d172789f06886806bc55\n" +
  "# This file is a cache directory tag created by Puffin.\n" +
  "# For information about cache directory tags, see:\n" +
  "#\thttps://bford.info/cachedir/\n";

/** Files at the cache root that are part of the cache itself, not entries. */
export const CACHEDIR_TAG_FILE = "CACHEDIR.TAG";
export const GITIGNORE_FILE = ".gitignore";
/** The lock taken by `cache clean` and `cache prune` (and its takeover guard, `.lock.takeover`). */
export const LOCK_FILE = ".lock";

export interface CacheDirSettings {
  /** `--cache-dir`. */
  cacheDir?: string | undefined;
  /** The environment (`PUFFIN_CACHE_DIR`, `XDG_CACHE_HOME`, `HOME`). */
  env: NodeJS.ProcessEnv;
  /** The home directory when `HOME` is unset (default `os.homedir()`). */
  home?: string;
  /** The directory a relative `--cache-dir` or `PUFFIN_CACHE_DIR` is taken from. */
  cwd?: string;
}

/**
 * Where the cache lives: `--cache-dir`, else `PUFFIN_CACHE_DIR`, else `$XDG_CACHE_HOME/puffin`
 * (only if absolute, as the XDG spec requires), else `~/.cache/puffin`. Always absolute.
 */
export function resolveCacheDir(settings: CacheDirSettings): string {
  const { cacheDir, env } = settings;
  const cwd = settings.cwd ?? process.cwd();
  if (cacheDir !== undefined && cacheDir !== "") return resolve(cwd, cacheDir);
  const fromEnv = env["PUFFIN_CACHE_DIR"];
  if (fromEnv !== undefined && fromEnv !== "") return resolve(cwd, fromEnv);
  const xdg = env["XDG_CACHE_HOME"];
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, "puffin");
  const home = env["HOME"] || settings.home || homedir();
  return join(resolve(home), ".cache", "puffin");
}

export interface CacheSettings extends CacheDirSettings {
  /** `-n/--no-cache` (or `PUFFIN_NO_CACHE`): a temporary cache, removed at exit. */
  noCache?: boolean | undefined;
  refresh?: Refresh;
}

const temporaryRoots = new Set<string>();
let exitHandlerInstalled = false;

/**
 * The global cache: one directory of versioned buckets (see `bucket.ts` for each layout).
 *
 * A `Cache` is cheap to create and touches nothing on disk until `init()`, which every writer
 * calls before its first write; readers of a missing cache simply find nothing. Several Puffin
 * processes may share one cache: every write is atomic (`writeFileAtomic`, `publishDirectory`).
 */
export class Cache {
  private initialized: Promise<void> | undefined;

  private constructor(
    /** Absolute path of the cache root. */
    readonly root: string,
    readonly refresh: Refresh,
    /** Whether this is a `--no-cache` cache, removed when the process exits. */
    readonly temporary: boolean,
  ) {}

  /** The cache at `root` (made absolute). */
  static at(root: string, refresh: Refresh = { kind: "none" }): Cache {
    return new Cache(resolve(root), refresh, false);
  }

  /** The cache the settings ask for: a temporary one for `--no-cache`, else `resolveCacheDir`. */
  static async fromSettings(settings: CacheSettings): Promise<Cache> {
    const refresh = settings.refresh ?? { kind: "none" };
    if (settings.noCache || isTruthy(settings.env["PUFFIN_NO_CACHE"])) {
      return Cache.temporary(refresh);
    }
    return new Cache(resolveCacheDir(settings), refresh, false);
  }

  /** A fresh cache in the system temp directory, removed when the process exits. */
  static async temporary(refresh: Refresh = { kind: "none" }): Promise<Cache> {
    const root = await mkdtemp(join(tmpdir(), "puffin-cache-"));
    temporaryRoots.add(root);
    installExitHandler();
    return new Cache(root, refresh, true);
  }

  /**
   * Creates the root with its `CACHEDIR.TAG` (so backup tools skip it) and a `.gitignore` of
   * `*` (so a cache inside a project is never committed), if missing. Idempotent.
   */
  init(): Promise<void> {
    this.initialized ??= (async () => {
      await writeIfMissing(join(this.root, CACHEDIR_TAG_FILE), CACHEDIR_TAG);
      await writeIfMissing(join(this.root, GITIGNORE_FILE), "*\n");
    })();
    return this.initialized;
  }

  /** The directory of a bucket. */
  bucket(bucket: CacheBucket): string {
    return join(this.root, bucket);
  }

  /** A path inside a bucket: `<root>/<bucket>/<parts…>`. */
  shard(bucket: CacheBucket, ...parts: string[]): string {
    return join(this.root, bucket, ...parts);
  }

  /** A package's directory in a per-package bucket: `<bucket>/<source key>/<package>`. */
  packageDir(bucket: CacheBucket, source: CacheSource, name: PackageName): string {
    return join(this.root, bucket, ...sourceKey(source), name);
  }

  /** Whether an entry of `name` written at `writtenAt` must be revalidated (see `refresh.ts`). */
  mustRevalidate(name: PackageName | undefined, writtenAt: number): boolean {
    return mustRevalidate(this.refresh, name, writtenAt);
  }

  /** Takes the cache-wide lock that `clean` and `prune` hold while they remove entries. */
  lock(options?: LockOptions): Promise<FileLock> {
    return FileLock.acquire(join(this.root, LOCK_FILE), { area: "cache", ...options });
  }
}

async function writeIfMissing(path: string, content: string): Promise<void> {
  try {
    await access(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
      throw fsError(error, { operation: "read", path, area: "cache" });
    }
    await writeFileAtomic(path, content, { area: "cache" });
  }
}

/** Removes temporary caches at exit (synchronously: `exit` allows no asynchronous work). */
function installExitHandler(): void {
  if (exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.once("exit", () => {
    for (const root of temporaryRoots) rmSync(root, { recursive: true, force: true });
  });
}
