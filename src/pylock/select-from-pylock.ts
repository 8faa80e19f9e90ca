import { SourceDistFilename, WheelFilename } from "../filenames/index.ts";
import type { ExtraName, GroupName } from "../normalize/index.ts";
import { Version } from "../pep440/index.ts";
import type { MarkerEnvironment } from "../pep508/index.ts";
import type { Tags } from "../platform-tags/index.ts";
import { PuffinError } from "../support/index.ts";
import {
  type Pylock,
  type PylockArchive,
  type PylockDirectory,
  type PylockFile,
  type PylockPackage,
  type PylockVcs,
  pylockFileName,
} from "./pylock.ts";

export interface PylockTarget {
  /** The target interpreter's marker values. */
  readonly environment: MarkerEnvironment;
  /** The target interpreter's compatible wheel tags. */
  readonly tags: Tags;
  /** Extras to install (each must be one the lock lists); none by default. */
  readonly extras?: readonly ExtraName[] | undefined;
  /**
   * Dependency groups to install (each must be one the lock lists); `undefined`: the lock's
   * `default-groups`. An empty list selects no group.
   */
  readonly dependencyGroups?: readonly GroupName[] | undefined;
}

/** The one file (or source) of a package chosen for the target. */
export type PylockChoice =
  | { readonly kind: "wheel"; readonly wheel: PylockFile; readonly filename: WheelFilename }
  | { readonly kind: "sdist"; readonly sdist: PylockFile; readonly filename: SourceDistFilename }
  | { readonly kind: "archive"; readonly archive: PylockArchive }
  | { readonly kind: "directory"; readonly directory: PylockDirectory }
  | { readonly kind: "vcs"; readonly vcs: PylockVcs };

export interface PylockSelected {
  readonly package: PylockPackage;
  /** Its position in `packages` (for messages: `packages[3]`). */
  readonly index: number;
  readonly choice: PylockChoice;
}

/**
 * What to install from a lock for one target, by PEP 751's installer algorithm
 * (https://packaging.python.org/en/latest/specifications/pylock-toml/#installation):
 *
 * 1. `requires-python` must contain the target's `python_full_version`, and one of the
 *    `environments` markers (if any) must hold; otherwise `pylock-excludes-target`.
 * 2. Every package whose `marker` holds — evaluated with `extras` and `dependency_groups` (the
 *    requested ones, else the lock's `default-groups`) — is selected; a selected package whose
 *    `requires-python` excludes the target is `pylock-excludes-target`, and two selected entries
 *    of one name are `pylock-ambiguous-package`.
 * 3. Per package: its `vcs`, `directory` or `archive`; else the wheel whose best tag the target
 *    prefers most (ties: the first listed); else the `sdist`; else `pylock-no-usable-file`,
 *    naming the package and the target's most preferred tag.
 *
 * Requesting an extra or a group the lock does not list is `pylock-unknown-selection`. The lock
 * is assumed valid (from `parsePylock`). `path` names the lock in messages.
 */
export function selectFromPylock(
  lock: Pylock,
  target: PylockTarget,
  path = "pylock.toml",
): PylockSelected[] {
  const { environment, tags } = target;
  const extras = target.extras ?? [];
  const groups = target.dependencyGroups ?? lock.defaultGroups ?? [];
  checkRequested(path, "extra", extras, lock.extras ?? [], "extras");
  if (target.dependencyGroups !== undefined) {
    checkRequested(path, "group", groups, lock.dependencyGroups ?? [], "dependency-groups");
  }
  const python = environment.python_full_version;
  const pythonVersion = Version.tryParse(python);
  if (
    lock.requiresPython !== undefined &&
    (pythonVersion === undefined || !lock.requiresPython.contains(pythonVersion))
  ) {
    throw excluded(
      `${path} requires Python ${lock.requiresPython.toString()}, but the target is Python ${python}`,
    );
  }
  if (
    lock.environments !== undefined &&
    lock.environments.length > 0 &&
    !lock.environments.some((marker) => marker.evaluate(environment, []))
  ) {
    throw excluded(
      `${path} supports only the environments ${lock.environments.map((m) => `\`${m.toString()}\``).join(", ")}, and the target (${describeEnvironment(environment)}) is none of them`,
    );
  }

  const selected = new Map<string, { pkg: PylockPackage; index: number }>();
  lock.packages.forEach((pkg, index) => {
    if (pkg.marker !== undefined && !pkg.marker.evaluate(environment, extras, groups)) return;
    if (
      pkg.requiresPython !== undefined &&
      (pythonVersion === undefined || !pkg.requiresPython.contains(pythonVersion))
    ) {
      throw excluded(
        `${path}: package \`${pkg.name}\` (packages[${index}]) requires Python ${pkg.requiresPython.toString()}, but the target is Python ${python}`,
      );
    }
    const previous = selected.get(pkg.name);
    if (previous !== undefined) {
      throw new PuffinError(
        "pylock-ambiguous-package",
        `${path}: packages[${previous.index}] and packages[${index}] both install \`${pkg.name}\` on the target (${describeEnvironment(environment)})`,
        { hint: "Their markers overlap: a lock must select at most one entry of a package" },
      );
    }
    selected.set(pkg.name, { pkg, index });
  });

  return [...selected.values()].map(({ pkg, index }) => ({
    package: pkg,
    index,
    choice: choose(pkg, index, tags, path),
  }));
}

function choose(pkg: PylockPackage, index: number, tags: Tags, path: string): PylockChoice {
  if (pkg.vcs !== undefined) return { kind: "vcs", vcs: pkg.vcs };
  if (pkg.directory !== undefined) return { kind: "directory", directory: pkg.directory };
  if (pkg.archive !== undefined) return { kind: "archive", archive: pkg.archive };
  let best: { wheel: PylockFile; filename: WheelFilename; priority: number } | undefined;
  for (const wheel of pkg.wheels ?? []) {
    const filename = WheelFilename.parse(pylockFileName(wheel) ?? "");
    const priority = filename.compatibility(tags);
    if (priority !== undefined && (best === undefined || priority > best.priority)) {
      best = { wheel, filename, priority };
    }
  }
  if (best !== undefined) return { kind: "wheel", wheel: best.wheel, filename: best.filename };
  if (pkg.sdist !== undefined) {
    return {
      kind: "sdist",
      sdist: pkg.sdist,
      filename: SourceDistFilename.parse(pylockFileName(pkg.sdist) ?? "", pkg.name),
    };
  }
  const wheels = pkg.wheels ?? [];
  const preferred = tags.tags[0];
  const tag =
    preferred === undefined
      ? "the target"
      : `${preferred.python}-${preferred.abi}-${preferred.platform}`;
  throw new PuffinError(
    "pylock-no-usable-file",
    `${path}: package \`${pkg.name}\` (packages[${index}]) has no file for the target: ${
      wheels.length === 0
        ? "no wheels"
        : `none of its ${wheels.length} wheel${wheels.length === 1 ? "" : "s"} fits ${tag}`
    }, and no sdist`,
    {
      hint:
        wheels.length === 0
          ? undefined
          : `Its wheels: ${wheels.map((wheel) => pylockFileName(wheel)).join(", ")}`,
    },
  );
}

function checkRequested(
  path: string,
  kind: string,
  requested: readonly string[],
  listed: readonly string[],
  key: string,
): void {
  const unknown = requested.filter((name) => !listed.includes(name));
  if (unknown.length === 0) return;
  throw new PuffinError(
    "pylock-unknown-selection",
    `${path} has no ${kind} ${unknown.map((name) => `\`${name}\``).join(", ")}`,
    {
      hint:
        listed.length === 0
          ? `The lock lists no ${key}`
          : `The lock's ${key}: ${listed.join(", ")}`,
    },
  );
}

function excluded(message: string): PuffinError {
  return new PuffinError("pylock-excludes-target", message, {
    hint: "Lock for this Python and platform, or install into an environment the lock covers",
  });
}

function describeEnvironment(env: MarkerEnvironment): string {
  return `${env.implementation_name} ${env.python_full_version} on ${env.sys_platform} ${env.platform_machine}`;
}
