import type { Command } from "commander";
import { refreshFromArgs } from "../cache/index.ts";
import {
  type IndexStrategy,
  parseIndexSource,
  parseIndexStrategy,
} from "../distribution-types/index.ts";
import { parseLinkMode } from "../installer/index.ts";
import { ExtraName, GroupName, PackageName } from "../normalize/index.ts";
import type {
  BinarySelection,
  BuildSettings,
  GroupRequest,
  IndexSettings,
  InstallerSettings,
  LockSelection,
  PythonSettings,
  ResolverSettings,
  SessionSettings,
  SourceSettings,
  UpgradeSettings,
} from "../operations/index.ts";
import type { PrereleaseMode, ResolutionMode } from "../resolver/index.ts";
import { isTruthy, PuffinError } from "../support/index.ts";
import { archiveLimitsFromEnv } from "./archive-limits.ts";
import { parseConfigSettings } from "./build-options.ts";
import { cacheSettings } from "./cache-options.ts";
import type { CommandContext } from "./command-context.ts";
import { probeTimeoutMs } from "./probe-timeout.ts";
import { parseExcludeNewer } from "./resolver-options.ts";

/**
 * From commander's option values and the `PUFFIN_*` variables to the typed settings of
 * `src/operations` — the one place they are merged, with one rule: a flag over its variable
 * over the default. Requirements files' own options join later, in `withFileIndexOptions`.
 */

/** The values `addIndexOptions` registers. */
export interface IndexOptionValues {
  /**
   * `--index` values and `--no-index`, which share commander's attribute: the values as given,
   * or `false` when `--no-index` is given (`collectIndex`).
   */
  index?: string[] | false;
  defaultIndex?: string;
  indexUrl?: string;
  extraIndexUrl?: string[];
  findLinks?: string[];
  indexStrategy?: IndexStrategy;
  offline?: boolean;
  refresh?: boolean;
  refreshPackage?: string[];
}

/** The values `addBuildOptions` registers. */
export interface BuildOptionValues {
  /** `--no-build` sets it to false. */
  build?: boolean;
  /** `--no-build-isolation` sets it to false. */
  buildIsolation?: boolean;
  configSetting?: string[];
}

/** The values `addResolverOptions` registers. */
export interface ResolverOptionValues {
  resolution: ResolutionMode;
  prerelease?: PrereleaseMode;
  excludeNewer?: string;
  /** `--no-binary` values; commander's default for the negated name is `true`. */
  binary: string[] | true;
  onlyBinary?: string[];
  /** `--no-deps` sets it to false. */
  deps?: boolean;
}

/** The values `addInstallOptions` registers. */
export interface InstallOptionValues {
  reinstall?: boolean;
  reinstallPackage?: string[];
  linkMode?: string;
  requireHashes?: boolean;
  compileBytecode?: boolean;
  strict?: boolean;
  dryRun?: boolean;
}

/** The values of `-r`, `-e`, `-c`, `--override`, `--extra`, `--all-extras`. */
export interface SourceOptionValues {
  requirement?: string[];
  editable?: string[];
  constraint?: string[];
  override?: string[];
  extra?: string[];
  allExtras?: boolean;
}

/** `-U`, `-P`. */
export interface UpgradeOptionValues {
  upgrade?: boolean;
  upgradePackage?: string[];
}

/** Where the command runs, its cache and its indexes. */
export function sessionSettings(command: Command, context: CommandContext): SessionSettings {
  return {
    invocation: { cwd: context.cwd, env: context.env },
    cache: cacheSettings(command, context),
    index: indexSettings(command.opts<IndexOptionValues>(), context.env),
  };
}

/**
 * The default index: `--default-index` or `--index-url` (commander refuses both), else
 * `PUFFIN_DEFAULT_INDEX`, else `PUFFIN_INDEX_URL`. The indexes before it: `--index` (else
 * `PUFFIN_INDEX`, space-separated; `NAME=` prefixes checked and dropped), then
 * `--extra-index-url` (else `PUFFIN_EXTRA_INDEX_URL`, space-separated), as uv orders them.
 * `--index-strategy` (else `PUFFIN_INDEX_STRATEGY`, else `first-index`), `--find-links` (else
 * `PUFFIN_FIND_LINKS`), `--no-index` (or `PUFFIN_NO_INDEX`), `--offline` (or `PUFFIN_OFFLINE`),
 * `--refresh[-package]`.
 */
export function indexSettings(
  values: IndexOptionValues,
  env: NodeJS.ProcessEnv,
  now?: number,
): IndexSettings {
  const indexes =
    (values.index === false ? undefined : given(values.index)) ?? splitList(env["PUFFIN_INDEX"]);
  const extras = given(values.extraIndexUrl) ?? splitList(env["PUFFIN_EXTRA_INDEX_URL"]);
  const strategy = nonEmpty(env["PUFFIN_INDEX_STRATEGY"]);
  return {
    indexUrl:
      nonEmpty(values.defaultIndex) ??
      nonEmpty(values.indexUrl) ??
      nonEmpty(env["PUFFIN_DEFAULT_INDEX"]) ??
      nonEmpty(env["PUFFIN_INDEX_URL"]),
    extraIndexUrls: [...indexes.map((text) => parseIndexSource(text).url), ...extras],
    indexStrategy:
      values.indexStrategy ??
      (strategy === undefined
        ? "first-index"
        : parseIndexStrategy(strategy, "PUFFIN_INDEX_STRATEGY")),
    findLinks: given(values.findLinks) ?? splitList(env["PUFFIN_FIND_LINKS"]),
    noIndex: values.index === false || isTruthy(env["PUFFIN_NO_INDEX"]),
    offline: values.offline === true || isTruthy(env["PUFFIN_OFFLINE"]),
    refresh: refreshFromArgs(
      {
        refresh: values.refresh === true,
        refreshPackages: (values.refreshPackage ?? []).map((name) => PackageName.parse(name)),
      },
      now,
    ),
  };
}

/** `--no-build`, `--no-build-isolation`, `-C`, `PUFFIN_MAX_ARCHIVE_*`. */
export function buildSettings(values: BuildOptionValues, env: NodeJS.ProcessEnv): BuildSettings {
  return {
    noBuild: values.build === false,
    isolation: values.buildIsolation !== false,
    configSettings: parseConfigSettings(values.configSetting ?? []),
    archiveLimits: archiveLimitsFromEnv(env),
  };
}

export function resolverSettings(values: ResolverOptionValues): ResolverSettings {
  return {
    resolution: values.resolution,
    prerelease: values.prerelease,
    excludeNewer:
      values.excludeNewer === undefined ? undefined : parseExcludeNewer(values.excludeNewer),
    noBinary: binarySelections(values.binary === true ? [] : values.binary),
    onlyBinary: binarySelections(values.onlyBinary),
    noDeps: values.deps === false,
  };
}

/** `--reinstall[-package]`, `--link-mode`, `--require-hashes` (or `PUFFIN_REQUIRE_HASHES`)… */
export function installerSettings(
  values: InstallOptionValues,
  env: NodeJS.ProcessEnv,
): InstallerSettings {
  return {
    reinstall: values.reinstall === true,
    reinstallPackages: (values.reinstallPackage ?? []).map((name) => PackageName.parse(name)),
    linkMode: values.linkMode === undefined ? undefined : parseLinkMode(values.linkMode),
    compileBytecode: values.compileBytecode === true,
    dryRun: values.dryRun === true,
    requireHashes: values.requireHashes === true || isTruthy(env["PUFFIN_REQUIRE_HASHES"]),
    strict: values.strict === true,
  };
}

/** `-p/--python` and `PUFFIN_PYTHON_PROBE_TIMEOUT`. */
export function pythonSettings(
  values: { python?: string },
  env: NodeJS.ProcessEnv,
): PythonSettings {
  return { python: values.python, probeTimeoutMs: probeTimeoutMs(env) };
}

export function sourceSettings(
  values: SourceOptionValues,
  more: { readonly packages?: readonly string[]; readonly requirements?: readonly string[] } = {},
): SourceSettings {
  return {
    packages: more.packages ?? [],
    editables: values.editable ?? [],
    requirements: [...(more.requirements ?? []), ...(values.requirement ?? [])],
    constraints: values.constraint ?? [],
    overrides: values.override ?? [],
    extras: (values.extra ?? []).map((extra) => ExtraName.parse(extra)),
    allExtras: values.allExtras === true,
  };
}

/** `--group` values as group names; `undefined` when none is given (a lock's default groups). */
export function groupSettings(values: readonly string[] | undefined): GroupName[] | undefined {
  return values === undefined ? undefined : values.map((group) => GroupName.parse(group));
}

/**
 * `pip compile --group`: `NAME` (of every `pyproject.toml` input) or `PATH:NAME` (of the
 * `pyproject.toml` at `PATH`, as uv writes it: `--group pyproject.toml:dev`).
 */
export function dependencyGroupRequests(values: readonly string[] | undefined): GroupRequest[] {
  return (values ?? []).map((value) => {
    const colon = value.lastIndexOf(":");
    if (colon < 0) return { path: undefined, name: GroupName.parse(value) };
    const path = value.slice(0, colon);
    if (path.replace(/^.*[\\/]/, "") !== "pyproject.toml") {
      throw new PuffinError(
        "invalid-group-name",
        `\`--group ${value}\`: a group is \`NAME\` or \`PATH:NAME\` with \`PATH\` a \`pyproject.toml\``,
      );
    }
    return { path, name: GroupName.parse(value.slice(colon + 1)) };
  });
}

/** `pip sync`'s `--extra`, `--all-extras` and `--group`: what to install from a `pylock.toml`. */
export function lockSelectionSettings(values: {
  readonly extra?: readonly string[] | undefined;
  readonly allExtras?: boolean | undefined;
  readonly group?: readonly string[] | undefined;
}): LockSelection {
  return {
    extras: (values.extra ?? []).map((extra) => ExtraName.parse(extra)),
    allExtras: values.allExtras === true,
    groups: groupSettings(values.group),
  };
}

export function upgradeSettings(values: UpgradeOptionValues): UpgradeSettings {
  return {
    all: values.upgrade === true,
    packages: (values.upgradePackage ?? []).map((name) => PackageName.parse(name)),
  };
}

/** `:all:` or package names, as `--no-binary` and `--only-binary` take them. */
export function binarySelections(values: readonly string[] | undefined): BinarySelection[] {
  return (values ?? []).map((value) => (value === ":all:" ? ":all:" : PackageName.parse(value)));
}

function given(values: readonly string[] | undefined): readonly string[] | undefined {
  return values === undefined || values.length === 0 ? undefined : values;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function splitList(value: string | undefined): string[] {
  return value === undefined ? [] : value.split(/\s+/).filter((part) => part !== "");
}
