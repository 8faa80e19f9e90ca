import { fileURLToPath } from "node:url";
import type {
  BuildContext,
  BuildEnvironment,
  BuildOptions,
  ConfigSettings,
  PackageSelection,
} from "../build-context/index.ts";
import type { Cache } from "../cache/index.ts";
import type { HttpClient, RegistryClient } from "../client/index.ts";
import { SourceDistributions, type SourceDistributionsOptions } from "../distribution/index.ts";
import type { CachedDist } from "../distribution-types/index.ts";
import { installWheels, layoutFor, WheelFetcher, type WheelRequest } from "../installer/index.ts";
import { type Interpreter, queryInterpreter } from "../interpreter/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { Version } from "../pep440/index.ts";
import type { Requirement } from "../pep508/index.ts";
import {
  RegistryProvider,
  type ResolvedPackage,
  resolve,
  targetFromInterpreter,
} from "../resolver/index.ts";
import { PuffinError } from "../support/index.ts";
import { createVenv } from "../venv/index.ts";

export interface BuildDispatchOptions {
  /** The target interpreter: built wheels are for it, isolated build environments made from it. */
  readonly interpreter: Interpreter;
  readonly cache: Cache;
  /** Where build requirements are found (the command's indexes). */
  readonly client: RegistryClient;
  readonly http: HttpClient;
  readonly options: BuildOptions;
  /**
   * `false` for `--no-build-isolation`: backends run in the target environment, and build
   * requirements are the user's to provide (nothing is installed), as with pip and uv.
   */
  readonly isolation: boolean;
  readonly git?: SourceDistributionsOptions["git"];
  /** Written to the build environments' `pyvenv.cfg`. */
  readonly puffinVersion: string;
}

/** What every context of one command shares: the fetcher, and resolutions by requirement set. */
interface Shared {
  readonly fetcher: WheelFetcher;
  /** Resolved build environments: requirement set and interpreter → the wheels to install. */
  readonly environments: Map<string, Promise<readonly BuildWheel[]>>;
  /** What each live build environment holds, so a second install adds to it consistently. */
  readonly installed: WeakMap<BuildEnvironment, EnvironmentState>;
}

interface BuildWheel {
  readonly name: PackageName;
  readonly version: Version;
  readonly cached: CachedDist;
}

interface EnvironmentState {
  readonly requirements: Requirement[];
  readonly versions: Map<PackageName, Version>;
}

/**
 * The real `BuildContext` (DESIGN.md §2): isolated build environments are virtual environments
 * (src/venv) made from the target interpreter; build requirements are resolved with the
 * resolver (`RegistryProvider` over the command's indexes, for the build environment's
 * interpreter), fetched with the `WheelFetcher` and installed with `installWheels`. A build
 * requirement with no usable wheel is itself built, through `sources` with this context's
 * build stack extended, so a build that needs itself is reported as a cycle.
 *
 * `--no-build` (`options.noBuild`) keeps sdists out of the build requirements' resolution, and
 * `--no-binary` keeps wheels out, as for the user's own requirements.
 *
 * Resolved build environments are memoized per requirement set within a command: building ten
 * setuptools sdists resolves `setuptools>=40.8, wheel` once (each environment still gets its
 * own install, which links from the cache). Across commands the resolution is redone, answered
 * from the HTTP cache of the index pages; a persistent build-environment cache is not kept.
 */
export class BuildDispatch implements BuildContext {
  readonly interpreter: Interpreter;
  readonly cache: Cache;
  readonly options: BuildOptions;
  readonly buildStack: readonly PackageName[];
  /** Metadata and wheels of sdists, paths and git sources, built in this context. */
  readonly sources: SourceDistributions;
  readonly #settings: BuildDispatchOptions;
  readonly #shared: Shared;

  private constructor(
    settings: BuildDispatchOptions,
    buildStack: readonly PackageName[],
    shared: Shared,
    sources: SourceDistributions | undefined,
    packageConfigSettings?: ReadonlyMap<PackageName, ConfigSettings>,
  ) {
    this.interpreter = settings.interpreter;
    this.cache = settings.cache;
    this.options = settings.options;
    this.buildStack = buildStack;
    this.#settings = settings;
    this.#shared = shared;
    this.sources =
      sources?.withContext(this, packageConfigSettings) ??
      new SourceDistributions({ context: this, http: settings.http, git: settings.git });
  }

  /** The context of a command (empty build stack); `close()` it when done. */
  static create(settings: BuildDispatchOptions): BuildDispatch {
    const fetcher = new WheelFetcher({
      cache: settings.cache,
      http: settings.http,
      archiveLimits: settings.options.archiveLimits,
    });
    return new BuildDispatch(
      settings,
      [],
      { fetcher, environments: new Map(), installed: new WeakMap() },
      undefined,
    );
  }

  /**
   * This command's context with config settings of single packages (a requirements file's
   * per-line `--config-settings`) merged over `--config-setting` for those packages' own
   * builds (not for their build requirements); everything else is shared with this one.
   */
  withPackageConfigSettings(settings: ReadonlyMap<PackageName, ConfigSettings>): BuildDispatch {
    return new BuildDispatch(this.#settings, this.buildStack, this.#shared, this.sources, settings);
  }

  /** Whether builds run in isolated environments (no `--no-build-isolation`). */
  get isolated(): boolean {
    return this.#settings.isolation;
  }

  /** The wheel fetcher the command shares with its builds. */
  get fetcher(): WheelFetcher {
    return this.#shared.fetcher;
  }

  /** Removes what this command downloaded for builds. */
  close(): Promise<void> {
    return this.sources.close();
  }

  async createBuildEnvironment(location: string): Promise<BuildEnvironment> {
    if (!this.#settings.isolation) return { interpreter: this.interpreter, isolated: false };
    const created = await createVenv({
      location,
      interpreter: this.interpreter,
      prompt: undefined,
      systemSitePackages: false,
      clear: false,
      puffinVersion: this.#settings.puffinVersion,
    });
    return {
      interpreter: await queryInterpreter(created.python, { cache: this.cache }),
      isolated: true,
    };
  }

  /**
   * Resolves what `environment` holds plus `requirements` together (so what a backend's
   * `get_requires_for_build_*` adds agrees with `[build-system] requires`), then installs what
   * the environment does not hold yet.
   */
  async installBuildRequirements(
    requirements: readonly Requirement[],
    environment: BuildEnvironment,
    buildStack: readonly PackageName[],
  ): Promise<void> {
    if (!environment.isolated) return;
    let state = this.#shared.installed.get(environment);
    if (state === undefined) {
      state = { requirements: [], versions: new Map() };
      this.#shared.installed.set(environment, state);
    }
    const all = [...state.requirements, ...requirements];
    const wheels = await this.#resolveEnvironment(all, environment.interpreter, buildStack);
    const missing = wheels.filter((wheel) => {
      const held = state.versions.get(wheel.name);
      if (held === undefined) return true;
      if (held.equals(wheel.version)) return false;
      throw new PuffinError(
        "build-requirements-conflict",
        `The build backend asked for \`${wheel.name}==${wheel.version}\`, but its build environment already holds \`${wheel.name}==${held}\``,
      );
    });
    await installWheels(
      missing.map((wheel) => ({ cached: wheel.cached, requested: false })),
      { layout: layoutFor(environment.interpreter) },
    );
    state.requirements.push(...requirements);
    for (const wheel of missing) state.versions.set(wheel.name, wheel.version);
  }

  #resolveEnvironment(
    requirements: readonly Requirement[],
    interpreter: Interpreter,
    buildStack: readonly PackageName[],
  ): Promise<readonly BuildWheel[]> {
    const key = JSON.stringify([
      interpreter.executable,
      requirements.map((r) => r.toString()).sort(),
    ]);
    let resolved = this.#shared.environments.get(key);
    if (resolved === undefined) {
      resolved = this.#child(buildStack).#resolveAndFetch(requirements, interpreter);
      this.#shared.environments.set(key, resolved);
      // A failure is not remembered: the next build reports it afresh.
      resolved.catch(() => this.#shared.environments.delete(key));
    }
    return resolved;
  }

  /** This context for the builds that a build requires (`buildStack` extended). */
  #child(buildStack: readonly PackageName[]): BuildDispatch {
    return new BuildDispatch(this.#settings, buildStack, this.#shared, this.sources);
  }

  async #resolveAndFetch(
    requirements: readonly Requirement[],
    interpreter: Interpreter,
  ): Promise<readonly BuildWheel[]> {
    const target = targetFromInterpreter(interpreter);
    const provider = new RegistryProvider({
      client: this.#settings.client,
      target,
      noBinary: selectionList(this.options.noBinary),
      onlyBinary: selectionList(this.options.noBuild),
      sourceMetadata: (file) => this.sources.indexMetadata(file),
      sourceUrlMetadata: (name, url) => this.sources.urlMetadata(name, url),
    });
    const resolution = await resolve(provider, {
      requirements,
      environment: target.environment,
      pythonVersion: target.pythonVersion,
    });
    return Promise.all(
      resolution.packages.map(async (p): Promise<BuildWheel> => {
        const request = await this.#wheelRequest(provider, p);
        const fetched = await this.#shared.fetcher.fetch(request);
        return { name: p.name, version: p.version, cached: fetched.cached };
      }),
    );
  }

  async #wheelRequest(provider: RegistryProvider, p: ResolvedPackage): Promise<WheelRequest> {
    if (p.url !== undefined) {
      const source = await this.sources.locate(p.url);
      if (source !== undefined) {
        return { source: { kind: "path", path: (await this.sources.wheel(source, p.name)).path } };
      }
      return {
        source:
          p.url.url.protocol === "file:"
            ? { kind: "path", path: fileURLToPath(p.url.url) }
            : { kind: "url", url: p.url.url.href },
      };
    }
    const file = await provider.bestFile(p.name, p.version);
    if (file === undefined) {
      throw new PuffinError(
        "no-matching-distribution",
        `No file of the build requirement \`${p.name}==${p.version}\` can be installed`,
      );
    }
    if (file.file.distFilename.kind === "wheel") return { source: { kind: "registry", file } };
    return { source: { kind: "path", path: (await this.sources.indexWheel(file)).path } };
  }
}

/** A `PackageSelection` as the provider's `--no-binary` / `--only-binary` list. */
export function selectionList(selection: PackageSelection): (PackageName | ":all:")[] {
  switch (selection.kind) {
    case "none":
      return [];
    case "all":
      return [":all:"];
    case "packages":
      return [...selection.names];
  }
}
