import type { Cache } from "../cache/index.ts";
import type { Interpreter } from "../interpreter/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { Requirement } from "../pep508/index.ts";
import type { ArchiveLimits } from "../support/index.ts";

/**
 * The seam between building and resolving/installing (DESIGN.md §2). Building an sdist needs a
 * resolve and an install (its build requirements), and resolving needs builds (metadata of
 * sdists); so `build` never imports the resolver or the installer. It receives a
 * `BuildContext`, which `dispatch` (layer 7) implements with the real resolver and installer.
 * This module holds types only.
 */
export interface BuildContext {
  /** The interpreter the built wheels are for; isolated build environments are made from it. */
  readonly interpreter: Interpreter;
  readonly cache: Cache;
  readonly options: BuildOptions;
  /**
   * The packages whose builds are in progress up this chain of builds, outermost first: a
   * build asked for one of them again is a cycle (a build that needs itself), which `build`
   * reports instead of recursing. Empty for the user's own command.
   */
  readonly buildStack: readonly PackageName[];
  /**
   * The environment a build runs its backend in. With build isolation (the default), a fresh
   * virtual environment created at `location` (which does not exist yet) from `interpreter`,
   * holding nothing but what `installBuildRequirements` puts in it; the builder removes
   * `location` after the build. Without isolation (`--no-build-isolation`), the target
   * environment itself, and `location` is unused.
   */
  createBuildEnvironment(location: string): Promise<BuildEnvironment>;
  /**
   * Resolves `requirements` (for `environment`'s interpreter) and installs the result into an
   * isolated `environment`, adding to what it holds. Builds this needs (a build requirement
   * with no wheel) carry `buildStack` (the caller's stack plus the package being built) so that
   * a cycle is detected. Without isolation it installs nothing: the user provides build
   * requirements then, as with pip and uv.
   */
  installBuildRequirements(
    requirements: readonly Requirement[],
    environment: BuildEnvironment,
    buildStack: readonly PackageName[],
  ): Promise<void>;
}

/** Where a backend runs. */
export interface BuildEnvironment {
  /** The environment's interpreter: its `executable` runs the hooks. */
  readonly interpreter: Interpreter;
  /** A fresh environment made for this build (removed after it), not the target environment. */
  readonly isolated: boolean;
}

/** The build settings of a command, from its options. */
export interface BuildOptions {
  /** `--no-build` / `--only-binary`: packages that must never be built from source. */
  readonly noBuild: PackageSelection;
  /** `--no-binary`: packages whose wheels must not be used (so they are built from source). */
  readonly noBinary: PackageSelection;
  /** `--config-setting KEY=VALUE`, passed to every backend hook that takes `config_settings`. */
  readonly configSettings: ConfigSettings;
  /**
   * How much one sdist (or wheel of a build requirement) may unpack to
   * (`PUFFIN_MAX_ARCHIVE_SIZE`, `PUFFIN_MAX_ARCHIVE_ENTRIES`); default `DEFAULT_ARCHIVE_LIMITS`.
   */
  readonly archiveLimits?: ArchiveLimits | undefined;
}

/** `:all:`, `:none:`, or a list of packages (as pip's `--no-binary` and `--only-binary` take). */
export type PackageSelection =
  | { readonly kind: "none" }
  | { readonly kind: "all" }
  | { readonly kind: "packages"; readonly names: ReadonlySet<PackageName> };

/**
 * PEP 517 `config_settings`: a key given once maps to its value, a key given several times to
 * the list of its values (as pip passes repeated `--config-settings`).
 * https://peps.python.org/pep-0517/#config-settings
 */
export type ConfigSettings = Readonly<Record<string, string | readonly string[]>>;

/** Whether `selection` names `name`. */
export function selects(selection: PackageSelection, name: PackageName): boolean {
  switch (selection.kind) {
    case "none":
      return false;
    case "all":
      return true;
    case "packages":
      return selection.names.has(name);
  }
}
