import type { InstallOutcome, InstallRequest } from "../installer/index.ts";
import { checkEnvironment, type EnvironmentDiagnostic, install } from "../installer/index.ts";
import type { Interpreter } from "../interpreter/index.ts";
import { targetPlatform } from "../platform-tags/index.ts";
import { targetFromInterpreter } from "../resolver/index.ts";
import { PuffinError } from "../support/index.ts";
import {
  isLockSource,
  type LockSelection,
  lockHashStrategy,
  lockResolution,
  readLockSource,
  selectForInterpreter,
} from "./pylock-install.ts";
import { environmentInterpreter } from "./python.ts";
import type { OperationReporter } from "./reporter.ts";
import {
  nameUnnamedSources,
  readRequirementSources,
  stdinUnsupported,
} from "./requirement-sources.ts";
import { type ResolutionWarning, unmatchedUpgrades } from "./resolution-warnings.ts";
import { hashStrategy, installedPreferences, resolveSources } from "./resolve.ts";
import { Session } from "./session.ts";
import type {
  BuildSettings,
  InstallerSettings,
  PythonSettings,
  ResolverSettings,
  SessionSettings,
  SourceSettings,
  UpgradeSettings,
} from "./settings.ts";

export interface PipInstallRequest {
  readonly session: SessionSettings;
  readonly python: PythonSettings;
  /**
   * `--python-platform`: resolve for this platform (uv's name) instead of the interpreter's, and
   * install its wheels (uv's cross-platform install, meant for `--dry-run`).
   */
  readonly pythonPlatform?: string | undefined;
  readonly sources: SourceSettings;
  readonly resolver: ResolverSettings;
  readonly build: BuildSettings;
  readonly installer: InstallerSettings;
  readonly upgrade: UpgradeSettings;
  readonly puffinVersion: string;
  /** The environment's interpreter when the caller has it (`venv --seed`); else discovered. */
  readonly interpreter?: Interpreter | undefined;
  readonly reporter?: OperationReporter | undefined;
}

export interface PipInstallResult {
  readonly interpreter: Interpreter;
  readonly outcome: InstallOutcome;
  /** `--strict`: what `pip check` says of the environment afterwards. */
  readonly diagnostics: readonly EnvironmentDiagnostic[] | undefined;
  /** What the resolution warns of (a yanked version, a missing extra, an unmatched `-P`). */
  readonly warnings: readonly ResolutionWarning[];
}

/**
 * `pip install`: the requirements (arguments, `-e`, `-r` files and `pyproject.toml`) resolved
 * for the environment, with the installed versions preferred (a requirement they satisfy does
 * not upgrade them without `-U` / `-P`), then what the resolution adds or changes installed;
 * nothing the resolution does not name is removed (that is `pip sync`'s job).
 */
export async function pipInstall(request: PipInstallRequest): Promise<PipInstallResult> {
  const { invocation } = request.session;
  const lock = lockSourceOf(request.sources);
  if (lock !== undefined) {
    return installFromLock({
      ...request,
      lockPath: lock,
      selection: {
        extras: request.sources.extras,
        allExtras: request.sources.allExtras,
        groups: request.sources.groups,
      },
      removeExtraneous: false,
    });
  }
  if (request.sources.groups !== undefined) {
    throw new PuffinError(
      "pylock-selection-without-lock",
      "`--group` selects dependency groups of a `pylock.toml` given with -r, and none is given",
    );
  }
  const sources = await readRequirementSources({
    ...request.sources,
    cwd: invocation.cwd,
    env: invocation.env,
    stdin: stdinUnsupported("pip install"),
  });
  if (
    sources.requirements.length === 0 &&
    sources.unnamed.length === 0 &&
    sources.projects.length === 0
  ) {
    throw new PuffinError(
      "no-requirements",
      "Nothing to install: name packages, or give requirements files with -r",
    );
  }
  const session = await Session.open(request.session, sources);
  try {
    const interpreter =
      request.interpreter ??
      (await environmentInterpreter(request.python, invocation, session.cache));
    const hashes = hashStrategy(
      sources.requirements,
      request.installer.requireHashes || sources.requireHashes,
    );
    const builds = session.builds(interpreter, request.build, sources, {
      binary: request.resolver,
      hashes,
      reporter: request.reporter,
      puffinVersion: request.puffinVersion,
    });
    try {
      const { database } = builds;
      // Requirements whose name only their build backend knows (a `setup.py` project).
      await nameUnnamedSources(sources, database, invocation.cwd);
      const platform =
        request.pythonPlatform === undefined
          ? undefined
          : targetPlatform(request.pythonPlatform, {
              macosDeploymentTarget: invocation.env["MACOSX_DEPLOYMENT_TARGET"],
            });
      const target = targetFromInterpreter(interpreter, undefined, platform);
      let warnings: ResolutionWarning[] = [];
      const installed = await installChecked({
        interpreter,
        database,
        resolve: async (installed) => {
          const { resolution, diagnostics } = await resolveSources({
            client: session.client,
            database,
            target,
            sources,
            settings: request.resolver,
            noBuild: request.build.noBuild,
            preferences: installedPreferences(installed, request.upgrade),
            reporter: request.reporter,
          });
          warnings = [
            ...diagnostics,
            ...unmatchedUpgrades(
              request.upgrade.packages,
              [...resolution].map((p) => p.dist.name),
            ),
          ];
          return resolution;
        },
        installer: request.installer,
        removeExtraneous: false,
        reporter: request.reporter,
      });
      return { ...installed, warnings };
    } finally {
      await builds.close();
    }
  } finally {
    await session.close();
  }
}

/**
 * The `pylock.toml` among `pip install`'s sources, when there is one: then it must be the only
 * source (a lock is installed as it is; nothing else is resolved with it).
 */
function lockSourceOf(sources: SourceSettings): string | undefined {
  const locks = sources.requirements.filter(isLockSource);
  if (locks.length === 0) return undefined;
  const others = [
    ...sources.packages,
    ...sources.editables.map((e) => `-e ${e}`),
    ...sources.requirements.filter((r) => !isLockSource(r)).map((r) => `-r ${r}`),
    ...sources.constraints.map((c) => `-c ${c}`),
    ...sources.overrides.map((o) => `--override ${o}`),
  ];
  if (locks.length > 1 || others.length > 0) throw mixedWithLock(locks, others);
  return locks[0];
}

/** `pylock-mixed-sources`: a lock given with other requirements (or another lock). */
export function mixedWithLock(locks: readonly string[], others: readonly string[]): PuffinError {
  const lockList = locks.map((l) => `\`${l}\``).join(", ");
  return new PuffinError(
    "pylock-mixed-sources",
    locks.length > 1 && others.length === 0
      ? `Give one lock file at a time, not ${lockList}`
      : `${lockList} cannot be combined with other requirements (${others.map((o) => `\`${o}\``).join(", ")}): a lock is installed as it is, without resolving`,
    { hint: "Install the lock alone, or lock the other requirements with it" },
  );
}

/**
 * Installs what a `pylock.toml` selects for the environment's interpreter (see
 * `pylock-install.ts`): no resolver runs, every file is checked against the lock's hashes.
 * With `removeExtraneous` (`pip sync`), whatever the selection does not name is removed.
 */
export async function installFromLock(request: {
  readonly session: SessionSettings;
  readonly python: PythonSettings;
  readonly lockPath: string;
  readonly selection: LockSelection;
  readonly build: BuildSettings;
  readonly installer: InstallerSettings;
  readonly removeExtraneous: boolean;
  readonly puffinVersion: string;
  readonly interpreter?: Interpreter | undefined;
  readonly reporter?: OperationReporter | undefined;
}): Promise<PipInstallResult> {
  const { invocation } = request.session;
  const source = readLockSource(request.lockPath, invocation.cwd);
  const session = await Session.open(request.session);
  try {
    const interpreter =
      request.interpreter ??
      (await environmentInterpreter(request.python, invocation, session.cache));
    const selected = selectForInterpreter(source, interpreter, request.selection);
    const builds = session.builds(
      interpreter,
      request.build,
      { requirements: [], noBinary: [], onlyBinary: [] },
      {
        hashes: lockHashStrategy(selected, request.installer.requireHashes),
        reporter: request.reporter,
        puffinVersion: request.puffinVersion,
      },
    );
    try {
      const { database } = builds;
      return await installChecked({
        interpreter,
        database,
        resolve: () => lockResolution(source, selected, database, request.reporter),
        installer: request.installer,
        removeExtraneous: request.removeExtraneous,
        reporter: request.reporter,
      });
    } finally {
      await builds.close();
    }
  } finally {
    await session.close();
  }
}

/**
 * The install step `pip install` and `pip sync` share: the installer's transaction over the
 * resolution `resolve` makes once the environment is locked, with the command's installer
 * settings; then, with `--strict`, what `pip check` says of the environment afterwards.
 */
export async function installChecked(
  request: Omit<InstallRequest, "options"> & {
    readonly installer: InstallerSettings;
    /** Whether what the resolution does not name is removed (`pip sync`). */
    readonly removeExtraneous: boolean;
  },
): Promise<PipInstallResult> {
  const { installer, removeExtraneous, ...transaction } = request;
  const { interpreter } = transaction;
  const outcome = await install({
    ...transaction,
    options: {
      reinstall: installer.reinstall,
      reinstallPackages: installer.reinstallPackages,
      removeExtraneous,
      linkMode: installer.linkMode,
      dryRun: installer.dryRun,
      compileBytecode: installer.compileBytecode,
    },
  });
  const diagnostics =
    installer.strict && outcome.kind !== "dry-run"
      ? await environmentDiagnostics(interpreter)
      : undefined;
  return { interpreter, outcome, diagnostics, warnings: [] };
}

/** What `pip check` would say of the environment (`--strict`). */
export async function environmentDiagnostics(
  interpreter: Interpreter,
): Promise<EnvironmentDiagnostic[]> {
  const { SitePackages } = await import("../installer/index.ts");
  const { purelib, platlib } = interpreter.info.scheme;
  return checkEnvironment(await SitePackages.read([purelib, platlib]), interpreter.markers);
}
