import { mkdir, readdir, rename } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { ConfigSettings } from "../build-context/index.ts";
import {
  type Cache,
  CacheBucket,
  type CacheSource,
  cacheDigest,
  type FileStamp,
  fileStamp,
  isFileStamp,
  readJsonEntry,
  writeJsonEntry,
} from "../cache/index.ts";
import { WheelFilename } from "../filenames/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { Tags } from "../platform-tags/index.ts";
import { createTempDirectory, removeTree } from "../support/index.ts";

/**
 * A source artifact that wheels are built from, and what identifies its current content:
 *
 * - `index` / `url`: an sdist file from an index or a direct URL, by its SHA-256 (for a URL, the
 *   distribution layer revalidates it with its HTTP cache and passes the current body's hash; a
 *   new body means a new hash). `fetch` downloads it, only when a build needs the file.
 * - `archive`: a local sdist file, by its mtime and size.
 * - `directory`: a local source tree, by the mtime and size of `pyproject.toml`, `setup.py` and
 *   `setup.cfg` (a change to any, or one appearing or vanishing, is a new revision), as uv does.
 * - `git`: a checkout (`path`, already at the `subdirectory`) of `commit`, which never changes.
 */
export type BuildSource =
  | {
      readonly kind: "index" | "url";
      /** The index URL, or the sdist's own URL. */
      readonly url: string;
      readonly name: PackageName;
      readonly filename: string;
      readonly sha256: string;
      readonly fetch: () => Promise<string>;
    }
  | { readonly kind: "archive"; readonly path: string; readonly name: PackageName }
  | { readonly kind: "directory"; readonly path: string; readonly name: PackageName | undefined }
  | {
      readonly kind: "git";
      readonly url: string;
      readonly commit: string;
      readonly subdirectory: string | undefined;
      readonly path: string;
      readonly name: PackageName | undefined;
    };

/** The freshness marker of an entry: `revision.json`. */
export type Revision =
  | { readonly kind: "sha256"; readonly sha256: string }
  | { readonly kind: "stamps"; readonly files: readonly StampedFile[] }
  | { readonly kind: "commit"; readonly commit: string };

/** A file the revision depends on, and its stamp (null: it does not exist). */
export interface StampedFile {
  readonly path: string;
  readonly stamp: FileStamp | null;
}

const REVISION_FILE = "revision.json";
const METADATA_FILE = "metadata.json";
const LOCK_SUFFIX = ".lock";
const REVISION_SCHEMA = { version: 1, validate: isRevision };
const METADATA_SCHEMA = {
  version: 1,
  validate: (value: unknown): value is { text: string } =>
    typeof value === "object" &&
    value !== null &&
    typeof (value as { text?: unknown }).text === "string",
};
/** The files whose change makes a source tree a new revision. */
const TREE_FILES = ["pyproject.toml", "setup.py", "setup.cfg"];

/**
 * The `built-wheels-v0` entry of one source artifact (layout in `cache/bucket.ts`):
 *
 *     built-wheels-v0/<source key>/<package>/<artifact>/
 *     ├── revision.json      the freshness marker (`Revision`)
 *     ├── metadata.json      the sdist's core metadata (METADATA text)
 *     └── *.whl              every wheel built from it: the listing is the truth
 *     built-wheels-v0/<source key>/<package>/<artifact>.lock   held while building
 *
 * Wheels built with PEP 517 config settings (`--config-setting`, a requirement's
 * `--config-settings`) may differ from the plain ones, so they have their own entry,
 * `<artifact>-config-<digest of the settings>`, as uv shards its cache by them.
 *
 * An entry directory never exists without its `revision.json` and at least one of the others:
 * `publish` stages what it adds in a temp directory of the bucket (`.puffin-tmp-*`, the cache's
 * temp area that `cache prune` sweeps) and moves it in by rename. A current entry gets each
 * file by rename (a reader sees a whole wheel or none); an absent or stale one is replaced
 * whole (the old directory moved aside first, then the staged one renamed into place). Nothing
 * is written before a build succeeds, so a failed, killed or interrupted build (the cache
 * deleted under it) leaves no entry behind.
 */
export class BuiltWheelEntry {
  private constructor(
    readonly cache: Cache,
    /** The entry directory. */
    readonly directory: string,
    readonly revision: Revision,
  ) {}

  /**
   * The entry of `source` (whose package is `name`) built with `configSettings`, and the
   * source's current revision.
   */
  static async of(
    cache: Cache,
    source: BuildSource,
    name: PackageName,
    configSettings: ConfigSettings,
  ): Promise<BuiltWheelEntry> {
    const [cacheSource, artifact] = keyOf(source);
    const settings = Object.entries(configSettings).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    const shard =
      settings.length === 0
        ? artifact
        : `${artifact}-config-${cacheDigest(JSON.stringify(settings))}`;
    const directory = join(cache.packageDir(CacheBucket.BuiltWheels, cacheSource, name), shard);
    return new BuiltWheelEntry(cache, directory, await currentRevision(source));
  }

  get lockPath(): string {
    return `${this.directory}${LOCK_SUFFIX}`;
  }

  /** Whether the entry was written for the source's current revision. */
  async isCurrent(): Promise<boolean> {
    const stored = await readJsonEntry(join(this.directory, REVISION_FILE), REVISION_SCHEMA);
    return stored !== undefined && sameRevision(stored.value, this.revision);
  }

  /** The cached METADATA text, if any. */
  async metadata(): Promise<string | undefined> {
    return (await readJsonEntry(join(this.directory, METADATA_FILE), METADATA_SCHEMA))?.value.text;
  }

  /** The built wheels, best for `tags` first (incompatible ones left out). */
  async wheels(tags: Tags): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const ranked: [number, string][] = [];
    for (const name of names) {
      if (!name.endsWith(".whl")) continue;
      const rank = WheelFilename.tryParse(name)?.compatibility(tags);
      if (rank !== undefined) ranked.push([rank, join(this.directory, name)]);
    }
    return ranked.sort((a, b) => a[0] - b[0]).map(([, path]) => path);
  }

  /**
   * Adds `metadata` (METADATA text) and/or `wheel` (a built wheel on the cache's filesystem,
   * moved) to the entry, as described on the class; returns the wheel's new path. Call it
   * holding the entry's lock when publishing a wheel.
   */
  async publish(files: { readonly wheel?: string; readonly metadata?: string }): Promise<string> {
    await this.cache.init();
    const bucket = this.cache.bucket(CacheBucket.BuiltWheels);
    const stage = await createTempDirectory(bucket);
    try {
      // The wheel is moved last into a current entry, so a reader that finds it finds its
      // metadata too.
      const staged: string[] = [];
      if (files.metadata !== undefined) {
        await writeJsonEntry(join(stage, METADATA_FILE), METADATA_SCHEMA, { text: files.metadata });
        staged.push(METADATA_FILE);
      }
      if (files.wheel !== undefined) {
        await rename(files.wheel, join(stage, basename(files.wheel)));
        staged.push(basename(files.wheel));
      }
      const published = join(this.directory, staged.at(-1) ?? METADATA_FILE);
      if (await this.isCurrent()) {
        for (const name of staged) await rename(join(stage, name), join(this.directory, name));
        return published;
      }
      await writeJsonEntry(join(stage, REVISION_FILE), REVISION_SCHEMA, this.revision);
      await this.#replaceWith(stage, bucket);
      return published;
    } finally {
      await removeTree(stage);
    }
  }

  /** Moves the old entry (if any) aside and `stage` into its place. */
  async #replaceWith(stage: string, bucket: string): Promise<void> {
    const trash = await createTempDirectory(bucket);
    try {
      await mkdir(dirname(this.directory), { recursive: true });
      for (let attempt = 0; ; attempt++) {
        await rename(this.directory, join(trash, `old-${attempt}`)).catch(
          (error: NodeJS.ErrnoException) => {
            if (error.code !== "ENOENT") throw error;
          },
        );
        try {
          await rename(stage, this.directory);
          return;
        } catch (error) {
          // Another writer (outside the lock: metadata only) got in between: move it aside too.
          const code = (error as NodeJS.ErrnoException).code;
          if (attempt > 0 || (code !== "ENOTEMPTY" && code !== "EEXIST")) throw error;
        }
      }
    } finally {
      await removeTree(trash);
    }
  }
}

function keyOf(source: BuildSource): [CacheSource, string] {
  switch (source.kind) {
    case "index":
    case "url":
      return [{ kind: source.kind, url: source.url }, source.filename];
    case "archive":
      return [{ kind: "path", path: source.path }, basename(source.path)];
    case "directory":
      return [{ kind: "path", path: source.path }, basename(source.path) || "root"];
    case "git":
      return [
        { kind: "git", url: source.url, commit: source.commit },
        source.subdirectory === undefined ? "root" : `sub-${cacheDigest(source.subdirectory)}`,
      ];
  }
}

async function currentRevision(source: BuildSource): Promise<Revision> {
  switch (source.kind) {
    case "index":
    case "url":
      return { kind: "sha256", sha256: source.sha256.toLowerCase() };
    case "archive":
      return { kind: "stamps", files: [await stamped(source.path)] };
    case "directory":
      return {
        kind: "stamps",
        files: await Promise.all(TREE_FILES.map((file) => stamped(join(source.path, file)))),
      };
    case "git":
      return { kind: "commit", commit: source.commit };
  }
}

async function stamped(path: string): Promise<StampedFile> {
  return { path, stamp: (await fileStamp(path)) ?? null };
}

function sameRevision(a: Revision, b: Revision): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function isRevision(value: unknown): value is Revision {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  switch (record["kind"]) {
    case "sha256":
      return typeof record["sha256"] === "string";
    case "commit":
      return typeof record["commit"] === "string";
    case "stamps":
      return (
        Array.isArray(record["files"]) &&
        record["files"].every(
          (file: unknown) =>
            typeof file === "object" &&
            file !== null &&
            typeof (file as StampedFile).path === "string" &&
            ((file as StampedFile).stamp === null || isFileStamp((file as StampedFile).stamp)),
        )
      );
    default:
      return false;
  }
}
