import type { BuildDispatch } from "../dispatch/index.ts";
import type { InstalledDist } from "../distribution-types/index.ts";
import type { LinkMode } from "../installer/index.ts";
import type { Interpreter } from "../interpreter/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { Version } from "../pep440/index.ts";
import type { Requirement } from "../pep508/index.ts";
import { parseHashOptions, splitHashFragment } from "../pypi-types/index.ts";
import type { PrereleaseMode, ResolutionMode } from "../resolver/index.ts";
import { PuffinError } from "../support/index.ts";
import type { RegistrySession } from "./command-context.ts";
import {
  type InstallTarget,
  type UpdateOutcome,
  updateEnvironment,
  wheelUrlTarget,
} from "./environment-update.ts";
import { elapsed, packages } from "./install-summary.ts";
import type { Printer } from "./printer.ts";

/**
 * Resolve requirements for an environment's interpreter and install the result into it, leaving
 * every installed distribution the resolution does not name alone: `pip install` and
 * `venv --seed`. The installed versions given as `preferences` are tried first, so a
 * requirement they already satisfy does not upgrade them.
 */
export interface RequirementsInstall {
  readonly printer: Printer;
  readonly interpreter: Interpreter;
  readonly installed: readonly InstalledDist[];
  readonly session: RegistrySession;
  readonly requirements: readonly Requirement[];
  readonly constraints: readonly Requirement[];
  readonly overrides: readonly Requirement[];
  readonly preferences: ReadonlyMap<PackageName, Version>;
  /** `--no-deps`: only the named packages, none of their dependencies. */
  readonly noDeps: boolean;
  readonly resolution: ResolutionMode;
  readonly prerelease: PrereleaseMode;
  readonly excludeNewer: Date | undefined;
  readonly noBinary: readonly (PackageName | ":all:")[];
  readonly onlyBinary: readonly (PackageName | ":all:")[];
  /** Builds sdists, paths, git and editables; without it they are unavailable. */
  readonly builds?: BuildDispatch | undefined;
  /** The packages given with `-e` (installed per PEP 660). */
  readonly editables?: ReadonlySet<PackageName> | undefined;
  /** `--hash` values of the requirements files, by package. */
  readonly hashes: ReadonlyMap<PackageName, readonly string[]>;
  /** Every resolved package must have hashes (pip's and uv's `--require-hashes`). */
  readonly requireHashes: boolean;
  readonly reinstall: boolean;
  readonly reinstallPackages: readonly PackageName[];
  readonly linkMode: LinkMode | undefined;
  readonly dryRun: boolean;
  readonly compileBytecode: boolean;
  /** When the command started, for `Resolved …` and `Audited …`. */
  readonly started: number;
  /** Print `Resolved …` and the other step summaries (see `EnvironmentUpdate.steps`). */
  readonly steps: boolean;
}

/** Resolves (a `NoSolutionError` is thrown as it is), prints `Resolved …`, then installs. */
export async function installRequirements(request: RequirementsInstall): Promise<UpdateOutcome> {
  const [resolver, dispatch] = await Promise.all([
    import("../resolver/index.ts"),
    import("../dispatch/index.ts"),
  ]);
  const { interpreter, session, builds } = request;
  const target = resolver.targetFromInterpreter(interpreter);
  const allowed = new Map<PackageName, ReadonlyMap<string, readonly string[]>>();
  for (const [name, hashes] of request.hashes) {
    const map = parseHashOptions(hashes);
    if (map !== undefined) allowed.set(name, map);
  }
  const provider = new resolver.RegistryProvider({
    client: session.client,
    target,
    ...(request.excludeNewer === undefined ? {} : { excludeNewer: request.excludeNewer }),
    noBinary: request.noBinary,
    onlyBinary: request.onlyBinary,
    ...(builds === undefined ? {} : dispatch.sourceProviderOptions(builds, allowed)),
  });
  const { DirectOnlyProvider } = await import("./pip-compile/direct-only-provider.ts");
  const resolution = await resolver.resolve(
    request.noDeps ? new DirectOnlyProvider(provider) : provider,
    {
      requirements: request.requirements,
      constraints: request.constraints,
      overrides: request.overrides,
      preferences: request.preferences,
      environment: target.environment,
      pythonVersion: target.pythonVersion,
      resolution: request.resolution,
      prerelease: request.prerelease,
    },
  );
  if (request.steps) {
    request.printer.info(
      `Resolved ${packages(resolution.packages.length)} in ${elapsed(request.started)}`,
    );
  }

  const targets: InstallTarget[] = await Promise.all(
    resolution.packages.map(async (resolved): Promise<InstallTarget> => {
      const hashes = allowed.get(resolved.name);
      const editable = request.editables?.has(resolved.name) === true;
      // A source's archive is checked by `directTarget` (in --require-hashes mode, a directory,
      // git, or an archive without a hash is an error there).
      if (resolved.url !== undefined && builds !== undefined) {
        const build = await dispatch.directTarget(builds, resolved.url, {
          name: resolved.name,
          editable,
          allowedHashes: hashes,
          requireHashes: request.requireHashes,
        });
        if (build !== undefined) {
          return {
            dist: build.dist,
            direct: undefined,
            build,
            allowedHashes: undefined,
            requested: resolved.direct,
          };
        }
      }
      // A URL's own `#sha256=…` counts as a hash, as in pip (and is checked by the fetcher).
      const fragmentHashes =
        resolved.url !== undefined &&
        Object.keys(splitHashFragment(resolved.url.given).hashes).length > 0;
      if (request.requireHashes && hashes === undefined && !fragmentHashes) {
        throw missingHash(resolved);
      }
      if (resolved.url !== undefined) {
        return wheelUrlTarget(resolved.url, {
          name: resolved.name,
          where: `\`${resolved.name}\``,
          allowedHashes: hashes,
          requested: resolved.direct,
        });
      }
      return {
        dist: { name: resolved.name, version: resolved.version, source: { kind: "registry" } },
        direct: undefined,
        allowedHashes: hashes,
        requested: resolved.direct,
      };
    }),
  );
  return updateEnvironment({
    printer: request.printer,
    interpreter,
    installed: request.installed,
    targets,
    sources: async () => ({
      cache: session.cache,
      http: session.http,
      provider,
      builds,
      archiveLimits: session.archiveLimits,
    }),
    removeExtraneous: false,
    reinstall: request.reinstall,
    reinstallPackages: request.reinstallPackages,
    linkMode: request.linkMode,
    dryRun: request.dryRun,
    compileBytecode: request.compileBytecode,
    started: request.started,
    steps: request.steps,
  });
}

function missingHash(resolved: { readonly name: PackageName; readonly version: Version }) {
  return new PuffinError(
    "missing-hash",
    `In --require-hashes mode, every package must be listed with a hash, but \`${resolved.name}\` (resolved to ${resolved.version}) has none`,
    {
      hint: "List every package with `==` and `--hash` (`puffin pip compile --generate-hashes` writes such a file), or pass --no-deps",
    },
  );
}

/**
 * The installed versions as resolver preferences: what is installed stays unless a requirement
 * rules it out, except the packages being upgraded (`-U`: all, `-P name`: those).
 */
export function installedPreferences(
  installed: readonly InstalledDist[],
  upgrade: { readonly all: boolean; readonly packages: readonly PackageName[] },
): Map<PackageName, Version> {
  const preferences = new Map<PackageName, Version>();
  if (upgrade.all) return preferences;
  for (const dist of installed) {
    if (!upgrade.packages.includes(dist.name)) preferences.set(dist.name, dist.version);
  }
  return preferences;
}
