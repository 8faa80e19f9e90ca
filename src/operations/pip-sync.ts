import type { DistributionDatabase } from "../distribution/index.ts";
import {
  type Dist,
  type InstalledDist,
  isRegistryDist,
  Resolution,
  type ResolvedDist,
} from "../distribution-types/index.ts";
import {
  type EnvironmentDiagnostic,
  layoutFor,
  SitePackages,
  transactionPath,
} from "../installer/index.ts";
import type { Interpreter } from "../interpreter/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { Version } from "../pep440/index.ts";
import { splitHashFragment } from "../pypi-types/index.ts";
import {
  RegistryProvider,
  type ResolutionDiagnostic,
  resolutionDiagnostics,
  targetFromInterpreter,
} from "../resolver/index.ts";
import { PuffinError, redactCredentials } from "../support/index.ts";
import {
  environmentDiagnostics,
  installChecked,
  installFromLock,
  mixedWithLock,
  type PipInstallResult,
} from "./pip-install.ts";
import { isLockSource, type LockSelection } from "./pylock-install.ts";
import { environmentInterpreter } from "./python.ts";
import type { OperationReporter } from "./reporter.ts";
import {
  nameUnnamedSources,
  readRequirementSources,
  type SourcedRequirement,
  stdinUnsupported,
} from "./requirement-sources.ts";
import type { ResolutionWarning } from "./resolution-warnings.ts";
import { hashStrategy } from "./resolve.ts";
import { Session } from "./session.ts";
import type {
  BuildSettings,
  InstallerSettings,
  PythonSettings,
  SessionSettings,
} from "./settings.ts";

export interface PipSyncRequest {
  readonly session: SessionSettings;
  readonly python: PythonSettings;
  /** The requirements files (pins). */
  readonly files: readonly string[];
  readonly build: BuildSettings;
  readonly installer: InstallerSettings;
  /**
   * `--extra`, `--all-extras`, `--group`: what to install from a `pylock.toml` (only a lock has
   * them); absent: no extras and the lock's default groups.
   */
  readonly lockSelection?: LockSelection | undefined;
  readonly puffinVersion: string;
  readonly reporter?: OperationReporter | undefined;
}

export type PipSyncResult =
  | {
      readonly kind: "satisfied";
      readonly interpreter: Interpreter;
      /** How many distributions the files pin (all installed as pinned). */
      readonly count: number;
      readonly diagnostics: readonly EnvironmentDiagnostic[] | undefined;
      /** Nothing was read from an index, so there is nothing to warn of. */
      readonly warnings: readonly ResolutionWarning[];
    }
  | ({ readonly kind: "installed" } & PipInstallResult);

/**
 * `pip sync`: the environment made exactly what the requirements files pin — every pin (whose
 * marker applies) installed as pinned, everything else removed. Pins are taken as they are, not
 * resolved: each is `name==version`, a URL, a path or an editable.
 *
 * When every pin is already installed as pinned and nothing else is (and no interrupted change
 * is pending), nothing is fetched at all: the environment is audited from its metadata alone.
 *
 * A `pylock.toml` (or `pylock.NAME.toml`), given alone, is installed as PEP 751 prescribes: its
 * packages selected for the interpreter, every file checked against the lock's hashes.
 */
export async function pipSync(request: PipSyncRequest): Promise<PipSyncResult> {
  const { invocation } = request.session;
  const locks = request.files.filter(isLockSource);
  if (locks.length > 0) {
    if (locks.length > 1 || locks.length < request.files.length) {
      throw mixedWithLock(
        locks,
        request.files.filter((file) => !isLockSource(file)),
      );
    }
    const installed = await installFromLock({
      ...request,
      lockPath: locks[0]!,
      selection: request.lockSelection ?? { extras: [], allExtras: false, groups: undefined },
      removeExtraneous: true,
    });
    return { kind: "installed", ...installed };
  }
  const selection = request.lockSelection;
  if (
    selection !== undefined &&
    (selection.extras.length > 0 || selection.allExtras || selection.groups !== undefined)
  ) {
    throw new PuffinError(
      "pylock-selection-without-lock",
      "`--extra`, `--all-extras` and `--group` select from a `pylock.toml`, and none is given",
      { hint: "A requirements file's pins are installed as they are" },
    );
  }
  const sources = await readRequirementSources({
    requirements: request.files,
    constraints: [],
    overrides: [],
    extras: [],
    allExtras: false,
    cwd: invocation.cwd,
    env: invocation.env,
    stdin: stdinUnsupported("pip sync"),
  });
  const session = await Session.open(request.session, sources);
  try {
    const interpreter = await environmentInterpreter(request.python, invocation, session.cache);
    const applies = (s: SourcedRequirement) =>
      s.requirement.marker?.evaluate(interpreter.markers, []) ?? true;
    const { installer } = request;
    const hashes = hashStrategy(
      sources.requirements,
      installer.requireHashes || sources.requireHashes,
    );
    const pins = sources.requirements.filter(applies);
    if (hashes.required) for (const pin of pins) checkPinHashed(pin);
    if (
      sources.unnamed.length === 0 &&
      !installer.reinstall &&
      installer.reinstallPackages.length === 0
    ) {
      const count = await satisfiedPins(interpreter, pins);
      if (count !== undefined && !installer.dryRun) {
        return {
          kind: "satisfied",
          interpreter,
          count,
          diagnostics: installer.strict ? await environmentDiagnostics(interpreter) : undefined,
          warnings: [],
        };
      }
    }
    const builds = session.builds(interpreter, request.build, sources, {
      hashes,
      reporter: request.reporter,
      puffinVersion: request.puffinVersion,
    });
    try {
      const { database } = builds;
      await nameUnnamedSources(sources, database, invocation.cwd);
      const provider = new RegistryProvider({
        client: session.client,
        database,
        target: targetFromInterpreter(interpreter),
        noBinary: sources.noBinary,
        onlyBinary: request.build.noBuild ? [":all:"] : sources.onlyBinary,
      });
      let warnings: ResolutionWarning[] = [];
      const installed = await installChecked({
        interpreter,
        database,
        resolve: async () => {
          const pinned = await pinnedResolution(
            sources.requirements.filter(applies),
            provider,
            database,
            request.reporter,
          );
          warnings = pinned.diagnostics;
          return pinned.resolution;
        },
        installer,
        removeExtraneous: true,
        reporter: request.reporter,
      });
      return { kind: "installed", ...installed, warnings };
    } finally {
      await builds.close();
    }
  } finally {
    await session.close();
  }
}

/**
 * The pins as a resolution: a `name==version` pin is the registry's most preferred file of that
 * version for the interpreter; a URL, path or editable is located. Two lines that pin one
 * package differently are an error. With the registry pins' diagnostics: a yanked version, an
 * extra (`a[x]==1.0`) the version does not provide.
 */
async function pinnedResolution(
  pins: readonly SourcedRequirement[],
  provider: RegistryProvider,
  database: DistributionDatabase,
  reporter: OperationReporter | undefined,
): Promise<{ resolution: Resolution; diagnostics: ResolutionDiagnostic[] }> {
  reporter?.onResolveStart?.();
  const started = performance.now();
  const byName = new Map<PackageName, { resolved: ResolvedDist; pin: SourcedRequirement }>();
  await Promise.all(
    pins.map(async (pin) => {
      const { requirement } = pin;
      let dist: Dist;
      let version: Version;
      if (requirement.version.kind === "url") {
        const located = await database.locate(requirement.version.url, { editable: pin.editable });
        const named = await database.named(located, requirement.name);
        dist = named;
        version = (await database.metadata(named)).version;
      } else {
        const pinned = pinnedVersion(requirement.version.specifiers.specifiers);
        if (pinned === undefined) {
          throw new PuffinError(
            "unpinned-requirement",
            `${where(pin)}: \`${requirement.toString()}\` is not pinned to one version; \`pip sync\` installs exact pins (\`name==version\`)`,
            { hint: "Compile the file with `puffin pip compile` to pin every requirement" },
          );
        }
        version = pinned;
        dist = await provider.registryDist(requirement.name, pinned);
      }
      const resolved: ResolvedDist = { dist, version, requested: true, extras: [], dependents: [] };
      const previous = byName.get(requirement.name);
      if (previous !== undefined && !sameDist(previous.resolved, resolved)) {
        throw new PuffinError(
          "conflicting-requirements",
          `\`${shown(previous.pin)}\` (${where(previous.pin)}) and \`${shown(pin)}\` (${where(pin)}) ask for different versions of ${requirement.name}`,
        );
      }
      byName.set(requirement.name, { resolved, pin });
    }),
  );
  const resolution = new Resolution([...byName.values()].map(({ resolved }) => resolved));
  reporter?.onResolved?.(resolution.size, performance.now() - started);
  const registryPins = [...byName.values()].filter(({ resolved }) => isRegistryDist(resolved.dist));
  const diagnostics = await resolutionDiagnostics(
    provider,
    registryPins.map(({ resolved, pin }) => ({
      name: resolved.dist.name,
      version: resolved.version,
      url: undefined,
      extras: pin.requirement.extras,
    })),
  );
  return { resolution, diagnostics };
}

/**
 * How many pins there are when the environment holds exactly them, installed from the
 * registry as pinned, and nothing else; undefined otherwise (or with an interrupted change
 * pending, which the pipeline must roll back first). Reads only the environment's metadata.
 */
async function satisfiedPins(
  interpreter: Interpreter,
  pins: readonly SourcedRequirement[],
): Promise<number | undefined> {
  const { existsSync } = await import("node:fs");
  if (existsSync(transactionPath(layoutFor(interpreter)))) return undefined;
  const { purelib, platlib } = interpreter.info.scheme;
  const installed = (await SitePackages.read([purelib, platlib])).dists();
  const byName = new Map<PackageName, InstalledDist[]>();
  for (const dist of installed) byName.set(dist.name, [...(byName.get(dist.name) ?? []), dist]);
  const wanted = new Set<PackageName>();
  for (const { requirement } of pins) {
    if (requirement.version.kind !== "specifiers") return undefined;
    const version = pinnedVersion(requirement.version.specifiers.specifiers);
    const copies = byName.get(requirement.name) ?? [];
    if (version === undefined || copies.length !== 1) return undefined;
    const copy = copies[0]!;
    if (!copy.version.equals(version) || copy.directUrl !== undefined) return undefined;
    wanted.add(requirement.name);
  }
  if (installed.some((dist) => !wanted.has(dist.name))) return undefined;
  return wanted.size;
}

/**
 * In hash-checking mode every line must carry a hash: a `--hash`, or a URL's `#sha256=…`
 * fragment (as in pip). Checked before anything is read, naming the line.
 */
function checkPinHashed(pin: SourcedRequirement): void {
  if (pin.hashes.length > 0) return;
  const { version } = pin.requirement;
  if (
    version.kind === "url" &&
    Object.keys(splitHashFragment(version.url.given).hashes).length > 0
  ) {
    return;
  }
  throw new PuffinError(
    "missing-hash",
    `${where(pin)}: in --require-hashes mode, every requirement must have a hash, but \`${shown(pin)}\` has none`,
    {
      hint: "Add `--hash=sha256:…` to the line (`puffin pip compile --generate-hashes` writes them)",
    },
  );
}

function sameDist(a: ResolvedDist, b: ResolvedDist): boolean {
  if (!a.version.equals(b.version) || a.dist.kind !== b.dist.kind) return false;
  const url = (d: Dist) => ("url" in d ? d.url.url.href : undefined);
  return url(a.dist) === url(b.dist);
}

/** The version an `==V` (or `===V`) specifier pins, if the specifiers are exactly one pin. */
function pinnedVersion(
  specifiers: readonly { operator: string; version: Version; wildcard: boolean }[],
): Version | undefined {
  if (specifiers.length !== 1) return undefined;
  const [only] = specifiers;
  return (only!.operator === "==" || only!.operator === "===") && !only!.wildcard
    ? only!.version
    : undefined;
}

function where(pin: SourcedRequirement): string {
  return pin.location === undefined ? pin.origin.path : `${pin.location.file}:${pin.location.line}`;
}

function shown(pin: SourcedRequirement): string {
  return redactCredentials(pin.requirement.toString());
}
