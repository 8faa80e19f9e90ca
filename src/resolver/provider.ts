import type { ExtraName, PackageName } from "../normalize/index.ts";
import type { Version, VersionSpecifiers } from "../pep440/index.ts";
import type { Requirement, VerbatimUrl } from "../pep508/index.ts";

/**
 * Where the solver gets its facts: the versions of a package and the dependencies of one
 * version. The registry-backed implementation lives above this layer; tests use in-memory ones.
 *
 * Prefetching. The solver calls these methods *ahead of need* and does not await them until it
 * needs the answer: the version list of every package as soon as some requirement names it, and
 * the dependencies of the candidate it expects to choose for every package it has learned it
 * needs. So calling a method is the announcement; a provider should start the work at once,
 * deduplicate calls for the same key (a once-map), and may bound its own concurrency. Answers
 * must not change during one resolution. A rejected promise (a network failure, a broken index)
 * aborts the resolution with that error; facts the user should read in the report (a version
 * without a usable file, metadata that does not parse) are `unavailable` answers instead.
 *
 * Time cut-offs such as `--exclude-newer` are the provider's concern: it leaves out the files
 * uploaded later, and versions left with no file.
 */
export interface DependencyProvider {
  /**
   * Every version of `name` the indexes offer, **newest first**, or `not-found` when no index
   * has the project. Versions whose every file is unusable for the target are still listed, with
   * `unavailable` set, so that the report can say why they were not chosen.
   */
  listVersions(name: PackageName): Promise<VersionsResult>;

  /** The requirements of one listed version (its `Requires-Dist`, markers unevaluated). */
  getDependencies(name: PackageName, version: Version): Promise<DependenciesResult>;

  /**
   * The metadata of the distribution at `url` (a wheel, an sdist, a directory or a VCS URL) that
   * the user declared as the source of `name`; its version is the only one `name` has.
   */
  getUrlMetadata(name: PackageName, url: VerbatimUrl): Promise<UrlMetadataResult>;
}

export type Candidate = {
  readonly version: Version;
  /** PEP 592: a yanked version is only chosen when a top-level requirement pins it with `==`. */
  readonly yanked?: boolean;
  /** Why no file of this version can be used here (e.g. no wheel for this platform, no sdist). */
  readonly unavailable?: string;
  /**
   * `--index-strategy unsafe-first-match`: the position of the version's index among those that
   * have the package (0 first). Versions of a lower rank are all tried before any of a higher
   * one; absent: every version competes by the resolution mode alone.
   */
  readonly rank?: number;
};

export type VersionsResult =
  | {
      readonly kind: "found";
      readonly candidates: readonly Candidate[];
      /** Why the list is empty, when it is (`the index page … lists no files`): a report hint. */
      readonly note?: string;
    }
  | {
      readonly kind: "not-found";
      readonly reason: string;
      /**
       * Set by the solver when the package comes from a URL requirement whose distribution is
       * unusable: `reason` is then a clause about that URL (`is given as …, which …`), told in
       * the report instead of "was not found in the package registry".
       */
      readonly url?: boolean;
    };

export type DependenciesResult =
  | {
      readonly kind: "available";
      readonly requirements: readonly Requirement[];
      /** `Requires-Python`, a dependency on the virtual Python package; absent: any. */
      readonly requiresPython?: VersionSpecifiers | undefined;
      /** `Provides-Extra`: the extras the metadata declares (absent: not known). */
      readonly providesExtra?: readonly ExtraName[] | undefined;
    }
  | { readonly kind: "unavailable"; readonly reason: string };

export type UrlMetadataResult =
  | { readonly kind: "found"; readonly version: Version; readonly dependencies: DependenciesResult }
  | { readonly kind: "unavailable"; readonly reason: string };
