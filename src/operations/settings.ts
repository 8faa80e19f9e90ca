import type { ConfigSettings } from "../build-context/index.ts";
import type { CacheSettings, Refresh } from "../cache/index.ts";
import type { IndexStrategy } from "../distribution-types/index.ts";
import type { LinkMode } from "../installer/index.ts";
import type { ExtraName, GroupName, PackageName } from "../normalize/index.ts";
import type { PrereleaseMode, ResolutionMode } from "../resolver/index.ts";
import type { ArchiveLimits } from "../support/index.ts";

/**
 * The typed settings of the commands, resolved once per command by the CLI from its flags and
 * the `PUFFIN_*` variables, with one precedence rule: a flag over its variable over the
 * default. Options found inside requirements files join them in one place
 * (`withFileIndexOptions`), by pip's and uv's rule. Nothing below the command modules reads the
 * argument parser or `process.env`: what a layer needs arrives in these objects (`env` only
 * travels on to child processes, git, and `${VAR}` expansion in requirements files).
 */

/** Where a command runs. */
export interface Invocation {
  /** The directory relative paths are taken from. */
  readonly cwd: string;
  /** The environment, for processes Puffin starts and `${VAR}` in requirements files. */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * `--index`, `--default-index`, `--index-url`, `--extra-index-url`, `--index-strategy`,
 * `--find-links`, `--no-index`, `--offline`, `--refresh`.
 */
export interface IndexSettings {
  /** The default index (`--default-index`/`--index-url` or their variables), undefined when none. */
  readonly indexUrl: string | undefined;
  /** Consulted before the default index, in order: `--index` values, then `--extra-index-url`. */
  readonly extraIndexUrls: readonly string[];
  /** How the indexes' versions of one package are gathered. */
  readonly indexStrategy: IndexStrategy;
  readonly findLinks: readonly string[];
  readonly noIndex: boolean;
  readonly offline: boolean;
  readonly refresh: Refresh;
}

/** Index options written inside requirements files (`-i`, `--extra-index-url`, `-f`…). */
export interface FileIndexOptions {
  /** The last `--index-url` of the files. */
  readonly indexUrl: string | undefined;
  readonly extraIndexUrls: readonly string[];
  readonly findLinks: readonly string[];
  readonly noIndex: boolean;
}

/**
 * The one merge of requirements files' index options into a command's (pip's and uv's rule):
 * the command's default index (a flag or `PUFFIN_INDEX_URL`) wins over a file's; extra indexes
 * and find-links add up, the command's first; `--no-index` anywhere applies.
 */
export function withFileIndexOptions(index: IndexSettings, files: FileIndexOptions): IndexSettings {
  const add = (given: readonly string[], more: readonly string[]) => [
    ...given,
    ...more.filter((value) => !given.includes(value)),
  ];
  return {
    ...index,
    indexUrl: index.indexUrl ?? files.indexUrl,
    extraIndexUrls: add(index.extraIndexUrls, files.extraIndexUrls),
    findLinks: add(index.findLinks, files.findLinks),
    noIndex: index.noIndex || files.noIndex,
  };
}

/** `:all:` or one package, as `--no-binary` and `--only-binary` take them. */
export type BinarySelection = PackageName | ":all:";

/** How to build: `--no-build`, `--no-build-isolation`, `-C`, archive limits. */
export interface BuildSettings {
  /** `--no-build`: every package must have a wheel. */
  readonly noBuild: boolean;
  /** `--no-build-isolation` makes it false. */
  readonly isolation: boolean;
  readonly configSettings: ConfigSettings;
  readonly archiveLimits: ArchiveLimits;
}

/** How to resolve. */
export interface ResolverSettings {
  readonly resolution: ResolutionMode;
  /** Undefined: the default, or `allow` when a requirements file says `--pre`. */
  readonly prerelease: PrereleaseMode | undefined;
  readonly excludeNewer: Date | undefined;
  readonly noBinary: readonly BinarySelection[];
  readonly onlyBinary: readonly BinarySelection[];
  /** `--no-deps`: only the named packages. */
  readonly noDeps: boolean;
}

/** How to change the environment. */
export interface InstallerSettings {
  readonly reinstall: boolean;
  readonly reinstallPackages: readonly PackageName[];
  readonly linkMode: LinkMode | undefined;
  readonly compileBytecode: boolean;
  readonly dryRun: boolean;
  /** `--require-hashes` or `PUFFIN_REQUIRE_HASHES`. */
  readonly requireHashes: boolean;
  /** `--strict`: check the environment afterwards. */
  readonly strict: boolean;
}

/** Which Python: `-p/--python`, and how long a probe may take. */
export interface PythonSettings {
  readonly python: string | undefined;
  /** `PUFFIN_PYTHON_PROBE_TIMEOUT`, in ms; undefined: the default. */
  readonly probeTimeoutMs: number | undefined;
}

/** `--group [PATH:]NAME`: a dependency group of the `pyproject.toml` inputs, or of `PATH`. */
export interface GroupRequest {
  /** The `pyproject.toml` that declares it, as given; `undefined`: every `pyproject.toml` input. */
  readonly path: string | undefined;
  readonly name: GroupName;
}

/** Where the requirements come from. */
export interface SourceSettings {
  /** Requirement arguments (`pip install PKG…`), read like requirements-file lines. */
  readonly packages: readonly string[];
  /** `-e PATH` arguments. */
  readonly editables: readonly string[];
  /** `-r FILE` (or `pip compile`'s `SRC_FILE…`, `-` for stdin). */
  readonly requirements: readonly string[];
  readonly constraints: readonly string[];
  readonly overrides: readonly string[];
  readonly extras: readonly ExtraName[];
  readonly allExtras: boolean;
  /**
   * `--group`: the dependency groups to install from a `pylock.toml` source; `undefined` (not
   * given): the lock's `default-groups`.
   */
  readonly groups?: readonly GroupName[] | undefined;
  /** `pip compile --group [PATH:]NAME`: dependency groups (PEP 735) of `pyproject.toml` sources. */
  readonly dependencyGroups?: readonly GroupRequest[] | undefined;
  /** `pip compile --all-groups`: every dependency group of the `pyproject.toml` sources. */
  readonly allGroups?: boolean | undefined;
}

/** `-U/--upgrade` (everything) and `-P/--upgrade-package`. */
export interface UpgradeSettings {
  readonly all: boolean;
  readonly packages: readonly PackageName[];
}

/** The services every command that reads packages opens. */
export interface SessionSettings {
  readonly invocation: Invocation;
  readonly cache: CacheSettings;
  readonly index: IndexSettings;
}
