import { access, mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { BuildContext } from "../build-context/index.ts";
import { CacheBucket } from "../cache/index.ts";
import { PackageName } from "../normalize/index.ts";
import { type Metadata, parseCoreMetadata } from "../pypi-types/index.ts";
import {
  createTempDirectory,
  FileLock,
  PuffinError,
  redactCredentials,
  removeTree,
} from "../support/index.ts";
import { FileZipSource, readWheelMetadataSync } from "../zip/index.ts";
import { type BuildSource, BuiltWheelEntry } from "./built-wheel-cache.ts";
import { type PyprojectToml, readPyproject } from "./pyproject.ts";
import { extractSdist } from "./sdist-archive.ts";
import { checkBuildCycle, SourceBuild } from "./source-build.ts";
import { readStaticMetadata } from "./static-metadata.ts";

/** A wheel built from (or cached for) a source artifact. */
export interface BuiltWheel {
  /** The `.whl` in the built-wheel cache. */
  readonly path: string;
  /** Whether this call built it (false: a cache hit). */
  readonly built: boolean;
}

/** The metadata of a source artifact and how it was obtained. */
export interface SourceMetadata {
  readonly metadata: Metadata;
  /** `cache`, `static` (PKG-INFO or `[project]`: no Python ran), `prepare` or `build`. */
  readonly origin: "cache" | "static" | "prepare" | "build";
}

/**
 * A wheel of `source` for `context.interpreter`: the best compatible one the cache holds for the
 * source's current revision, else built now (once across processes: the entry's lock is held
 * while building, and a waiter finds the wheel when it gets the lock).
 */
export async function builtWheel(context: BuildContext, source: BuildSource): Promise<BuiltWheel> {
  const tags = context.interpreter.tags();
  const { entry, tree } = await openEntry(context, source);
  const cached = (await entry.isCurrent()) ? (await entry.wheels(tags))[0] : undefined;
  if (cached !== undefined) return { path: cached, built: false };
  return withEntryLock(context, entry, async () => {
    const again = (await entry.isCurrent()) ? (await entry.wheels(tags))[0] : undefined;
    if (again !== undefined) return { path: again, built: false };
    return withWorkDirectory(context, tree.display, async (work) => {
      const sourceTree = await tree.open(work);
      const build = await SourceBuild.setup({
        context,
        sourceTree,
        pyproject: await tree.pyproject(sourceTree),
        name: tree.name,
        display: tree.display,
        kind: "wheel",
        workDirectory: work,
      });
      const path = await publishWheel(entry, await build.build(join(work, "out")));
      return { path, built: true };
    });
  });
}

/**
 * The wheel of `source` the built-wheel cache holds for its current revision, if any: what
 * `builtWheel` would return without building. For planning, which must not build.
 */
export async function cachedBuiltWheel(
  context: BuildContext,
  source: BuildSource,
): Promise<string | undefined> {
  const { entry } = await openEntry(context, source);
  if (!(await entry.isCurrent())) return undefined;
  return (await entry.wheels(context.interpreter.tags()))[0];
}

/**
 * The core metadata of `source` with as little work as possible: the cached metadata file; the
 * METADATA of a cached wheel; static metadata (PKG-INFO 2.2+, or a static `[project]` table:
 * no Python runs); the backend's `prepare_metadata_for_build_wheel`; or, for a backend without
 * it, a full build (whose wheel is cached too). What was found is stored as the entry's
 * metadata file. The metadata's name must be the source's.
 */
export async function sourceMetadata(
  context: BuildContext,
  source: BuildSource,
): Promise<SourceMetadata> {
  const { entry, tree } = await openEntry(context, source);
  const fromCache = async (): Promise<string | undefined> => {
    if (!(await entry.isCurrent())) return undefined;
    const text = await entry.metadata();
    if (text !== undefined) return text;
    const wheel = (await entry.wheels(context.interpreter.tags()))[0];
    if (wheel === undefined) return undefined;
    const fromWheel = wheelMetadata(wheel);
    await entry.publish({ metadata: fromWheel });
    return fromWheel;
  };
  const cached = await fromCache();
  if (cached !== undefined) return checked(cached, "cache", tree);
  return withEntryLock(context, entry, async () => {
    const again = await fromCache();
    if (again !== undefined) return checked(again, "cache", tree);
    return withWorkDirectory(context, tree.display, async (work) => {
      const sourceTree = await tree.open(work);
      const pyproject = await tree.pyproject(sourceTree);
      const found = await findMetadata(context, entry, { sourceTree, pyproject, work, tree });
      const result = checked(found.text, found.origin, tree);
      // A build published the metadata with its wheel.
      if (found.origin !== "build") await entry.publish({ metadata: found.text });
      return result;
    });
  });
}

async function findMetadata(
  context: BuildContext,
  entry: BuiltWheelEntry,
  at: { sourceTree: string; pyproject: PyprojectToml; work: string; tree: SourceTree },
): Promise<{ text: string; origin: SourceMetadata["origin"] }> {
  const staticText = await readStaticMetadata(at.sourceTree, at.pyproject);
  if (staticText !== undefined) return { text: staticText, origin: "static" };
  const build = await SourceBuild.setup({
    context,
    sourceTree: at.sourceTree,
    pyproject: at.pyproject,
    name: at.tree.name,
    display: at.tree.display,
    kind: "wheel",
    workDirectory: at.work,
  });
  const prepared = await build.metadata();
  if (prepared !== undefined) return { text: prepared, origin: "prepare" };
  const wheel = await publishWheel(entry, await build.build(join(at.work, "out")));
  return { text: wheelMetadata(wheel), origin: "build" };
}

export interface EditableBuildOptions {
  /** The project directory (built in place, as PEP 660 intends). */
  readonly directory: string;
  /** The package, when known. */
  readonly name?: PackageName;
  /** Where the editable wheel goes; editable wheels are not cached (they point at the tree). */
  readonly outputDirectory: string;
}

/** Builds a PEP 660 editable wheel of a project directory; returns its path. */
export async function buildEditable(
  context: BuildContext,
  options: EditableBuildOptions,
): Promise<string> {
  const pyproject = await readPyproject(options.directory);
  const name = options.name ?? projectName(pyproject);
  return withWorkDirectory(context, `\`${options.directory}\``, async (work) => {
    const build = await SourceBuild.setup({
      context,
      sourceTree: options.directory,
      pyproject,
      name,
      display: `\`${options.directory}\``,
      kind: "editable",
      workDirectory: work,
    });
    return build.build(options.outputDirectory);
  });
}

/** How to get at a source's tree, and what to call it. */
interface SourceTree {
  readonly name: PackageName | undefined;
  readonly display: string;
  /** The source tree: the directory itself, or the archive extracted into `work`. */
  open(work: string): Promise<string>;
  pyproject(sourceTree: string): Promise<PyprojectToml>;
}

async function openEntry(
  context: BuildContext,
  source: BuildSource,
): Promise<{ entry: BuiltWheelEntry; tree: SourceTree }> {
  let pyproject: PyprojectToml | undefined;
  const readOnce = async (sourceTree: string) => {
    pyproject ??= await readPyproject(sourceTree);
    return pyproject;
  };
  let name = source.name;
  let open: (work: string) => Promise<string>;
  let display: string;
  switch (source.kind) {
    case "index":
    case "url":
      display = `\`${source.filename}\``;
      open = async (work) =>
        extractSdist(await source.fetch(), await emptyDirectory(work), {
          display,
          limits: context.options.archiveLimits,
        });
      break;
    case "archive":
      display = `\`${source.path}\``;
      open = async (work) =>
        extractSdist(source.path, await emptyDirectory(work), {
          limits: context.options.archiveLimits,
        });
      break;
    case "directory":
    case "git":
      display =
        source.kind === "git"
          ? redactCredentials(`\`${source.url}@${source.commit}\``)
          : `\`${source.path}\``;
      open = async () => source.path;
      // A tree without a given name is keyed by its `[project] name`, if static.
      name ??= projectName(await readOnce(source.path));
      break;
  }
  checkBuildCycle(context, name);
  const entry = await BuiltWheelEntry.of(
    context.cache,
    source,
    name ?? UNNAMED,
    context.options.configSettings,
  );
  return { entry, tree: { name, display, open, pyproject: readOnce } };
}

/**
 * The package segment for a source tree whose name only a build can tell: its entry is found by
 * path, and `puffin cache clean` (all) or `prune` removes it, not `cache clean NAME`.
 */
const UNNAMED = PackageName.parse("unnamed");

function projectName(pyproject: PyprojectToml): PackageName | undefined {
  const name = pyproject.project?.["name"];
  if (typeof name !== "string") return undefined;
  try {
    return PackageName.parse(name);
  } catch {
    return undefined;
  }
}

function checked(text: string, origin: SourceMetadata["origin"], tree: SourceTree): SourceMetadata {
  const metadata = parseCoreMetadata(text);
  if (tree.name !== undefined && metadata.name !== tree.name) {
    throw new PuffinError(
      "build-name-mismatch",
      `The metadata of ${tree.display} is for \`${metadata.name}\`, not \`${tree.name}\``,
    );
  }
  return { metadata, origin };
}

function wheelMetadata(wheel: string): string {
  const source = FileZipSource.open(wheel);
  try {
    return new TextDecoder().decode(readWheelMetadataSync(source).metadata);
  } finally {
    source.close();
  }
}

/** Adds a built wheel, with its METADATA as the entry's metadata, to the entry. */
function publishWheel(entry: BuiltWheelEntry, wheel: string): Promise<string> {
  return entry.publish({ wheel, metadata: wheelMetadata(wheel) });
}

async function withEntryLock<T>(
  context: BuildContext,
  entry: BuiltWheelEntry,
  body: () => Promise<T>,
): Promise<T> {
  await context.cache.init();
  await mkdir(join(entry.directory, ".."), { recursive: true });
  const lock = await FileLock.acquire(entry.lockPath, { timeoutMs: 3_600_000, area: "cache" });
  try {
    return await body();
  } finally {
    await lock.release();
  }
}

/** The directory an archive is extracted into, inside the work directory. */
async function emptyDirectory(work: string): Promise<string> {
  const directory = join(work, "src");
  await mkdir(directory);
  return directory;
}

/**
 * A private directory in the built-wheels bucket (same filesystem: wheels move by rename). If
 * it vanishes while `body` runs (the cache, or its bucket, deleted under a build), whatever
 * failed because of that is reported as such (`build-directory-removed`).
 */
async function withWorkDirectory<T>(
  context: BuildContext,
  display: string,
  body: (work: string) => Promise<T>,
): Promise<T> {
  await context.cache.init();
  const work = await createTempDirectory(context.cache.bucket(CacheBucket.BuiltWheels));
  try {
    return await body(work);
  } catch (error) {
    if (await pathExists(work)) throw error;
    throw new PuffinError(
      "build-directory-removed",
      `Failed to build ${display}: its build directory in the cache (\`${work}\`) was removed while it ran`,
      {
        cause: error,
        hint: `was the cache \`${context.cache.root}\` deleted meanwhile? Run the command again`,
      },
    );
  } finally {
    await removeTree(work);
  }
}

async function pathExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
