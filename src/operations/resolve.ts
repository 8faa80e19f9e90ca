import type { ConfigSettings } from "../build-context/index.ts";
import type { RegistryClient } from "../client/index.ts";
import { type DistributionDatabase, HashStrategy } from "../distribution/index.ts";
import type { InstalledDist, Resolution } from "../distribution-types/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { Version } from "../pep440/index.ts";
import { parseHashOptions } from "../pypi-types/index.ts";
import {
  type DependencyProvider,
  type MarkedPreference,
  RegistryProvider,
  type ResolutionDiagnostic,
  type ResolveOptions,
  type ResolverTarget,
  resolutionDiagnostics,
  resolve,
  resolveUniversal,
  type SolverResult,
  type UniversalResult,
  type UniversalTarget,
} from "../resolver/index.ts";
import { withFirstIndexHints } from "./index-hints.ts";
import { DirectOnlyProvider } from "./no-deps-provider.ts";
import type { OperationReporter } from "./reporter.ts";
import type { RequirementSources, SourcedRequirement } from "./requirement-sources.ts";
import type { ResolverSettings, UpgradeSettings } from "./settings.ts";

interface ResolveRequest {
  readonly client: RegistryClient;
  readonly database: DistributionDatabase;
  readonly sources: RequirementSources;
  readonly settings: ResolverSettings;
  /** `--no-build`: sdists are unavailable to the resolution, as in uv. */
  readonly noBuild: boolean;
  /** Versions tried first (installed ones, an output file's pins). */
  readonly preferences: ReadonlyMap<PackageName, Version>;
  /** A universal resolution's versions tried first, each in the forks its marker meets. */
  readonly markedPreferences?: readonly MarkedPreference[] | undefined;
  readonly reporter?: OperationReporter | undefined;
}

/**
 * The resolution step the pip operations share: a `RegistryProvider` over the database for one
 * target, the solver (with `--no-deps` applied), then the solution as a `Resolution` with the
 * file chosen for each package, and what the user should be warned of in it (`diagnostics`). A
 * failure gets the first-index strategy's hints (`withFirstIndexHints`).
 */
export async function resolveSources(
  request: ResolveRequest & { readonly target: ResolverTarget },
): Promise<{
  resolution: Resolution;
  provider: RegistryProvider;
  solved: SolverResult;
  diagnostics: ResolutionDiagnostic[];
}> {
  const { target, reporter } = request;
  reporter?.onResolveStart?.();
  const started = performance.now();
  const provider = registryProvider(request, target);
  const solved = await solving(request, provider, (solver) =>
    resolve(solver, {
      ...solverOptions(request),
      environment: target.environment,
      pythonVersion: target.pythonVersion,
    }),
  );
  const resolution = await provider.resolution(solved);
  reporter?.onResolved?.(resolution.size, performance.now() - started);
  const diagnostics = await resolutionDiagnostics(provider, solved.packages);
  return { resolution, provider, solved, diagnostics };
}

/**
 * `resolveSources` for every environment (`pip compile --universal`): the forking resolution
 * of `resolveUniversal`, each package version with the marker where it is installed.
 */
export async function resolveSourcesUniversal(
  request: ResolveRequest & { readonly target: UniversalTarget },
): Promise<{
  result: UniversalResult;
  provider: RegistryProvider;
  diagnostics: ResolutionDiagnostic[];
}> {
  const { target, reporter } = request;
  reporter?.onResolveStart?.();
  const started = performance.now();
  const provider = registryProvider(request, target);
  const result = await solving(request, provider, (solver) =>
    resolveUniversal(solver, {
      ...solverOptions(request),
      requiresPython: target.requiresPython,
      environments: target.environments,
      markedPreferences: request.markedPreferences,
    }),
  );
  reporter?.onResolved?.(result.packages.length, performance.now() - started);
  const diagnostics = await resolutionDiagnostics(provider, result.packages);
  return { result, provider, diagnostics };
}

/**
 * Runs a solve on the provider (`--no-deps`: only the named packages), a failure with the
 * first-index strategy's hints.
 */
function solving<T>(
  request: ResolveRequest,
  provider: RegistryProvider,
  solve: (solver: DependencyProvider) => Promise<T>,
): Promise<T> {
  const solver = request.settings.noDeps ? new DirectOnlyProvider(provider) : provider;
  return solve(solver).catch(async (error: unknown) => {
    throw await withFirstIndexHints(error, request.client);
  });
}

function registryProvider(
  request: ResolveRequest,
  target: ResolverTarget | UniversalTarget,
): RegistryProvider {
  const { settings, sources } = request;
  return new RegistryProvider({
    client: request.client,
    database: request.database,
    target,
    ...(settings.excludeNewer === undefined ? {} : { excludeNewer: settings.excludeNewer }),
    noBinary: [...sources.noBinary, ...settings.noBinary],
    onlyBinary: request.noBuild ? [":all:"] : [...sources.onlyBinary, ...settings.onlyBinary],
    editables: new Set(
      sources.requirements.filter((s) => s.editable).map((s) => s.requirement.name),
    ),
  });
}

/** The solver's options that do not depend on the target. */
function solverOptions(request: ResolveRequest) {
  const { settings, sources } = request;
  return {
    requirements: sources.requirements.map((s) => s.requirement),
    requirementLabels: new Map(
      sources.requirements.flatMap((s) => {
        const label = requirementLabel(s);
        return label === undefined ? [] : [[s.requirement, label] as const];
      }),
    ),
    constraints: sources.constraints.map((s) => s.requirement),
    overrides: sources.overrides.map((s) => s.requirement),
    preferences: request.preferences,
    resolution: settings.resolution,
    prerelease: settings.prerelease ?? (sources.pre ? "allow" : "if-necessary-or-explicit"),
  } satisfies Partial<ResolveOptions>;
}

/**
 * Where a requirement was written, as a no-solution report names it instead of "you":
 * `requirements.in:3`, `pyproject.toml`; `undefined` for the command line.
 */
function requirementLabel(s: SourcedRequirement): string | undefined {
  const { location } = s;
  if (location !== undefined) {
    return location.file === "<command line>" ? undefined : `${location.file}:${location.line}`;
  }
  return s.origin.path === "-" ? undefined : s.origin.path;
}

/**
 * The installed versions as resolver preferences: what is installed stays unless a requirement
 * rules it out, except the packages being upgraded (`-U`: all, `-P name`: those).
 */
export function installedPreferences(
  installed: readonly InstalledDist[],
  upgrade: UpgradeSettings,
): Map<PackageName, Version> {
  const preferences = new Map<PackageName, Version>();
  if (upgrade.all) return preferences;
  for (const dist of installed) {
    if (!upgrade.packages.includes(dist.name)) preferences.set(dist.name, dist.version);
  }
  return preferences;
}

/**
 * The hash rules of requirements: their `--hash` values by package, and hash-checking mode
 * when asked for (`--require-hashes`, in a file or on the command line) or when any requirement
 * has a hash (pip's rule).
 */
export function hashStrategy(
  requirements: readonly SourcedRequirement[],
  requireHashes: boolean,
): HashStrategy {
  const allowed = new Map<PackageName, Map<string, string[]>>();
  for (const s of requirements) {
    const parsed = parseHashOptions(s.hashes);
    if (parsed === undefined) continue;
    const merged = allowed.get(s.requirement.name) ?? new Map<string, string[]>();
    for (const [algorithm, digests] of parsed) {
      merged.set(algorithm, [...(merged.get(algorithm) ?? []), ...digests]);
    }
    allowed.set(s.requirement.name, merged);
  }
  return new HashStrategy(allowed, requireHashes || allowed.size > 0);
}

/** A requirements file's per-line `--config-settings`, by package (its builds' own). */
export function packageConfigSettings(
  requirements: readonly SourcedRequirement[],
): Map<PackageName, ConfigSettings> {
  const settings = new Map<PackageName, ConfigSettings>();
  for (const s of requirements) {
    if (s.configSettings.size === 0) continue;
    const name = s.requirement.name;
    settings.set(name, { ...settings.get(name), ...Object.fromEntries(s.configSettings) });
  }
  return settings;
}
