import type { RegistryFile } from "../distribution-types/index.ts";
import type { WheelFilename } from "../filenames/index.ts";
import { compareVersions, type Version } from "../pep440/index.ts";
import { formatTag, type Tags } from "../platform-tags/index.ts";
import { admitsPython } from "./requires-python.ts";

/**
 * What decides which files of one package the target can use. A universal resolution has no
 * tags and no Python version: every wheel may serve some environment, and which Pythons a
 * version supports is the solver's question (its metadata's `Requires-Python`), per fork.
 */
export interface FilePolicy {
  /** Which wheels the target can install; `undefined`: every wheel (universal). */
  readonly tags: Tags | undefined;
  /**
   * The target `python_full_version`, checked against each file's `Requires-Python`;
   * `undefined`: not checked (universal).
   */
  readonly pythonVersion: Version | undefined;
  /** Files uploaded at or after this instant are left out (`--exclude-newer`). */
  readonly excludeNewer: Date | undefined;
  /** `--no-binary` names this package (or `:all:`): its wheels are left out. */
  readonly noBinary: boolean;
  /** `--only-binary` names this package (or `:all:`): its sdists are left out. */
  readonly onlyBinary: boolean;
}

/** The files of one version, judged for the target. */
export interface VersionFiles {
  readonly version: Version;
  /**
   * The files the target can install, most preferred first: compatible wheels by tag priority
   * (ties: the higher build tag, then page order), then sdists. Yanked files are left out
   * unless the whole version is yanked (then it can only be chosen by an `==` pin, and all of
   * them count).
   */
  readonly usable: readonly RegistryFile[];
  /** PEP 592: every usable file (every file, when none is usable) is yanked. */
  readonly yanked: boolean;
  /**
   * Every file of the version that the resolution's settings allow, whatever platform, Python or
   * interpreter it is for: its wheels (unless `--no-binary`) and sdists (unless `--only-binary`
   * or `--no-build`), within `--exclude-newer`; yanked files left out unless the version is
   * yanked (for the target, or every such file is): a yanked version is installed only when
   * pinned, and then from a yanked file. Page order. What `--generate-hashes` and a lock list: one list that serves every target.
   */
  readonly distributable: readonly RegistryFile[];
  /** Why the version cannot be used (no file whose metadata Puffin can read), if so. */
  readonly unavailable: string | undefined;
}

/** How many wheel tag sets an "only …" list shows before it ends with `…`. */
const SHOWN_TAG_SETS = 3;

/**
 * Groups a package's files by version, newest first, and judges each version's files for the
 * target: platform tags, per-file `Requires-Python` (the index's `data-requires-python`, its lower
 * bound only: see `requires-python.ts`; the METADATA's own `Requires-Python` is a dependency on
 * Python instead), yanked, `--no-binary` /
 * `--only-binary`, `--exclude-newer`. Legacy formats (eggs, installers) are skipped.
 *
 * `--exclude-newer` keeps only files the index dates (PEP 700 `upload-time`) before the cut-off:
 * later files are treated as if they did not exist, so a version left with none disappears;
 * undated files are treated as unavailable, as uv documents ("If the field is not present for
 * a given distribution, the distribution will be treated as unavailable"), and a version with
 * only undated files stays listed with that reason so the report can say it.
 * https://docs.astral.sh/uv/concepts/resolution/#reproducible-resolutions
 */
export function groupVersionFiles(
  files: readonly RegistryFile[],
  policy: FilePolicy,
): VersionFiles[] {
  const cutoff = policy.excludeNewer?.getTime();
  const dated: { version: Version; file: RegistryFile; undated: boolean }[] = [];
  for (const file of files) {
    const dist = file.file.distFilename;
    if (dist.kind === "legacy") continue;
    let undated = false;
    if (cutoff !== undefined) {
      const uploaded = uploadTime(file);
      if (uploaded !== undefined && uploaded >= cutoff) continue;
      undated = uploaded === undefined;
    }
    dated.push({ version: dist.filename.version, file, undated });
  }
  // Newest first; the sort is stable, so page order holds within a version.
  dated.sort((a, b) => compareVersions(b.version, a.version));
  const result: VersionFiles[] = [];
  let start = 0;
  while (start < dated.length) {
    let end = start + 1;
    while (end < dated.length && dated[end]!.version.equals(dated[start]!.version)) end++;
    const group = dated.slice(start, end);
    const kept = group.filter((entry) => !entry.undated).map((entry) => entry.file);
    result.push(
      kept.length === 0
        ? {
            version: group[0]!.version,
            usable: [],
            yanked: false,
            distributable: [],
            unavailable:
              "has no upload time on its index, which --exclude-newer needs (PEP 700 `upload-time`)",
          }
        : judgeVersion(group[0]!.version, kept, policy),
    );
    start = end;
  }
  return result;
}

interface RankedWheel {
  readonly file: RegistryFile;
  readonly wheel: WheelFilename;
  readonly priority: number;
}

function judgeVersion(
  version: Version,
  files: readonly RegistryFile[],
  policy: FilePolicy,
): VersionFiles {
  const wheels: RankedWheel[] = [];
  const sdists: RegistryFile[] = [];
  /** Files the platform and the binary policy allow, but their `Requires-Python` excludes. */
  const pythonExcluded: RegistryFile[] = [];
  const incompatible: WheelFilename[] = [];
  /** Files the binary policy allows, for any target. */
  const allowed: RegistryFile[] = [];
  let allWheels = 0;
  let allSdists = 0;
  for (const file of files) {
    const dist = file.file.distFilename;
    if (dist.kind === "wheel") {
      allWheels++;
      if (policy.noBinary) continue;
      allowed.push(file);
      const priority = policy.tags === undefined ? 0 : policy.tags.compatibility(dist.filename);
      if (priority === undefined) {
        incompatible.push(dist.filename);
        continue;
      }
      if (!allowsPython(file, policy.pythonVersion)) pythonExcluded.push(file);
      else wheels.push({ file, wheel: dist.filename, priority });
    } else if (dist.kind === "sdist") {
      allSdists++;
      if (policy.onlyBinary) continue;
      allowed.push(file);
      if (!allowsPython(file, policy.pythonVersion)) pythonExcluded.push(file);
      else sdists.push(file);
    }
  }
  wheels.sort((a, b) => b.priority - a.priority || compareBuildTags(b.wheel.build, a.wheel.build));
  const candidates = [...wheels.map((w) => w.file), ...sdists];
  const yanked = (candidates.length > 0 ? candidates : files).every(isYanked);
  const usable = yanked ? candidates : candidates.filter((file) => !isYanked(file));
  // A version yanked for this target is installed from a yanked file: keep them all then.
  const keepYanked = yanked || allowed.every(isYanked);
  const distributable = keepYanked ? allowed : allowed.filter((file) => !isYanked(file));
  let unavailable: string | undefined;
  if (wheels.length === 0 && sdists.length === 0) {
    unavailable = unavailableReason({ policy, allWheels, allSdists, incompatible, pythonExcluded });
  }
  return { version, usable, yanked, distributable, unavailable };
}

function unavailableReason(facts: {
  policy: FilePolicy;
  allWheels: number;
  allSdists: number;
  incompatible: readonly WheelFilename[];
  pythonExcluded: readonly RegistryFile[];
}): string {
  const { policy, allWheels, allSdists, incompatible, pythonExcluded } = facts;
  if (policy.noBinary && allSdists === 0) {
    return "has no source distribution, and --no-binary excludes its wheels";
  }
  if (policy.onlyBinary && allWheels === 0) {
    return "has no wheel, and --only-binary excludes its source distributions";
  }
  if (pythonExcluded.length > 0) {
    const specifiers = pythonExcluded[0]!.file.requiresPython;
    return `requires Python ${specifiers} (the target is Python ${policy.pythonVersion})`;
  }
  if (incompatible.length > 0) {
    const shown = incompatible.slice(0, SHOWN_TAG_SETS).map(tagSet).join(", ");
    const more = incompatible.length > SHOWN_TAG_SETS ? ", …" : "";
    const best = policy.tags?.tags[0];
    const target = best === undefined ? "this platform" : formatTag(best);
    return `has no wheel for ${target} (only ${shown}${more})`;
  }
  if (policy.noBinary) {
    return "can only be installed from source (--no-binary), and has no usable source distribution";
  }
  return "has no usable wheel or source distribution";
}

/** `cp39-cp39-win_amd64`, `py2.py3-none-any`: a wheel's compressed tag set. */
function tagSet(wheel: WheelFilename): string {
  return [wheel.pythonTags, wheel.abiTags, wheel.platformTags].map((c) => c.join(".")).join("-");
}

function allowsPython(file: RegistryFile, pythonVersion: Version | undefined): boolean {
  const requiresPython = file.file.requiresPython;
  return (
    requiresPython === undefined ||
    pythonVersion === undefined ||
    admitsPython(requiresPython, pythonVersion)
  );
}

function isYanked(file: RegistryFile): boolean {
  return file.file.yanked !== undefined;
}

/** Milliseconds since the epoch of the file's PEP 700 `upload-time`, if the index gave one. */
function uploadTime(file: RegistryFile): number | undefined {
  const text = file.file.uploadTime;
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** Wheels without a build tag sort before any with one (the binary distribution format). */
function compareBuildTags(
  a: WheelFilename["build"] | undefined,
  b: WheelFilename["build"] | undefined,
): number {
  if (a === undefined || b === undefined)
    return (a === undefined ? 0 : 1) - (b === undefined ? 0 : 1);
  return a.number - b.number || (a.suffix < b.suffix ? -1 : a.suffix > b.suffix ? 1 : 0);
}
