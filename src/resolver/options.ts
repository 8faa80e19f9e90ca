import type { PackageName } from "../normalize/index.ts";
import type { Version } from "../pep440/index.ts";
import type { MarkerEnvironment, MarkerSet, Requirement } from "../pep508/index.ts";

/**
 * `--resolution`: which end of each package's versions is tried first. `lowest-direct` takes the
 * lowest for the packages the user names and the highest for the rest.
 */
export type ResolutionMode = "highest" | "lowest" | "lowest-direct";

/**
 * `--prerelease`: which pre-releases (PEP 440 pre- and dev-releases) may be chosen. Following
 * uv's current semantics (the packse scenarios in test/corpora/packse encode them):
 *
 * - `disallow`: never;
 * - `allow`: always, in plain version order;
 * - `if-necessary`: every stable candidate in the active range is tried first, then the
 *   pre-releases — so a pre-release is chosen only when no stable version in range works;
 * - `explicit` (legacy): like `if-necessary`, but only for packages that a top-level requirement
 *   names with a pre-release specifier (`>=2.0b1`); other packages get no pre-releases;
 * - `if-necessary-or-explicit` (the default): the union of the two, which is `if-necessary`:
 *   a requirement naming a pre-release widens nothing beyond what the fallback already allows,
 *   and the stable versions keep their priority even then.
 */
export type PrereleaseMode =
  | "disallow"
  | "allow"
  | "if-necessary"
  | "explicit"
  | "if-necessary-or-explicit";

export interface ResolveOptions {
  /** The user's requirements (markers applied for `environment`). */
  readonly requirements: readonly Requirement[];
  /**
   * Where each of `requirements` was written (`requirements.in:3`), by identity: a no-solution
   * report says "requirements.in:3 requires a>=2" instead of "you require a>=2". Optional.
   */
  readonly requirementLabels?: ReadonlyMap<Requirement, string>;
  /** Narrow the versions of packages that something requires; never add a package. */
  readonly constraints?: readonly Requirement[];
  /** Replace every requirement on their names, the user's and every transitive one. */
  readonly overrides?: readonly Requirement[];
  /** Versions tried first when allowed (pins of an existing output file, installed versions). */
  readonly preferences?: ReadonlyMap<PackageName, Version>;
  /** Versions earlier forks of a universal resolution chose (see `CandidateSelector`). */
  readonly forkPreferences?: ReadonlyMap<PackageName, Version>;
  /**
   * Where the resolution is for: one environment (markers are evaluated), or a set of
   * environments, a fork of a universal resolution (`resolveUniversal`), where a requirement
   * applies when its marker meets the set.
   */
  readonly environment: MarkerEnvironment | MarkerSet;
  /** The target Python version, the only version of the virtual `python` package. */
  readonly pythonVersion: Version;
  readonly resolution?: ResolutionMode;
  readonly prerelease?: PrereleaseMode;
}
