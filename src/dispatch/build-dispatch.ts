import type {
  BuildContext,
  BuildEnvironment,
  BuildOptions,
  ConfigSettings,
  PackageSelection,
} from "../build-context/index.ts";
import type { Cache } from "../cache/index.ts";
import type { HttpClient, RegistryClient } from "../client/index.ts";
import {
  type DatabaseReporter,
  DistributionDatabase,
  type DistributionDatabaseOptions,
  type HashStrategy,
} from "../distribution/index.ts";
import type { Resolution } from "../distribution-types/index.ts";
import { install } from "../installer/index.ts";
import { type Interpreter, queryInterpreter } from "../interpreter/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { Requirement } from "../pep508/index.ts";
import { RegistryProvider, resolve, targetFromInterpreter } from "../resolver/index.ts";
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
  readonly git?: DistributionDatabaseOptions["git"];
  /** The command's `--hash` rules (for its own requirements, not for build requirements). */
  readonly hashes?: HashStrategy | undefined;
  /** A requirements file's per-line `--config-settings`, by package. */
  readonly packageConfigSettings?: ReadonlyMap<PackageName, ConfigSettings> | undefined;
  readonly reporter?: DatabaseReporter | undefined;
  /** Written to the build environments' `pyvenv.cfg`. */
  readonly puffinVersion: string;
}

/** Resolved build environments, by requirement set and interpreter, shared by a command. */
type Environments = Map<string, Promise<Resolution>>;

/**
 * The real `BuildContext` (DESIGN.md §2), and the owner of a command's `DistributionDatabase`:
 * isolated build environments are virtual environments (src/venv) made from the target
 * interpreter; build requirements are resolved with the resolver (a `RegistryProvider` over the
 * command's indexes, for the build environment's interpreter) and installed by the installer's
 * pipeline, through the same database. A build requirement with no usable wheel is itself built
 * with this context's build stack extended, so a build that needs itself is reported as a cycle.
 *
 * `--no-build` (`options.noBuild`) keeps sdists out of the build requirements' resolution, and
 * `--no-binary` keeps wheels out, as for the user's own requirements.
 *
 * Resolved build environments are memoized per requirement set within a command: building ten
 * setuptools sdists resolves `setuptools>=40.8, wheel` once (each environment still gets its
 * own install, which links from the cache). Across commands the resolution is redone, answered
 * from the HTTP cache of the index pages.
 */
export class BuildDispatch implements BuildContext {
  readonly interpreter: Interpreter;
  readonly cache: Cache;
  readonly options: BuildOptions;
  readonly buildStack: readonly PackageName[];
  /** Metadata and wheels of every distribution, built in this context. */
  readonly database: DistributionDatabase;
  readonly #settings: BuildDispatchOptions;
  readonly #environments: Environments;

  private constructor(
    settings: BuildDispatchOptions,
    buildStack: readonly PackageName[],
    environments: Environments,
    parent: DistributionDatabase | undefined,
  ) {
    this.interpreter = settings.interpreter;
    this.cache = settings.cache;
    this.options = settings.options;
    this.buildStack = buildStack;
    this.#settings = settings;
    this.#environments = environments;
    this.database =
      parent?.withContext(this) ??
      new DistributionDatabase({
        context: this,
        client: settings.client,
        http: settings.http,
        hashes: settings.hashes,
        archiveLimits: settings.options.archiveLimits,
        git: settings.git,
        packageConfigSettings: settings.packageConfigSettings,
        reporter: settings.reporter,
      });
  }

  /** The context of a command (empty build stack); `close()` it when done. */
  static create(settings: BuildDispatchOptions): BuildDispatch {
    return new BuildDispatch(settings, [], new Map(), undefined);
  }

  /** Whether builds run in isolated environments (no `--no-build-isolation`). */
  get isolated(): boolean {
    return this.#settings.isolation;
  }

  /** Removes what this command downloaded and built for itself. */
  close(): Promise<void> {
    return this.database.close();
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
   * Resolves `requirements` for `environment`'s interpreter together with what it holds (so
   * what a backend's `get_requires_for_build_*` adds agrees with `[build-system] requires`),
   * then installs what the environment does not hold yet, through the installer's pipeline.
   */
  async installBuildRequirements(
    requirements: readonly Requirement[],
    environment: BuildEnvironment,
    buildStack: readonly PackageName[],
  ): Promise<void> {
    if (!environment.isolated) return;
    const child = new BuildDispatch(this.#settings, buildStack, this.#environments, this.database);
    await install({
      interpreter: environment.interpreter,
      database: child.database,
      resolve: async (installed) => {
        const held = installed.map((dist) => `${dist.name}==${dist.version}`);
        return child.#resolveEnvironment(requirements, held, environment.interpreter);
      },
    });
  }

  #resolveEnvironment(
    requirements: readonly Requirement[],
    held: readonly string[],
    interpreter: Interpreter,
  ): Promise<Resolution> {
    const key = JSON.stringify([
      interpreter.executable,
      requirements.map((r) => r.toString()).sort(),
      [...held].sort(),
    ]);
    let resolved = this.#environments.get(key);
    if (resolved === undefined) {
      resolved = this.#resolve(requirements, held, interpreter);
      this.#environments.set(key, resolved);
      // A failure is not remembered: the next build reports it afresh.
      resolved.catch(() => this.#environments.delete(key));
    }
    return resolved;
  }

  async #resolve(
    requirements: readonly Requirement[],
    held: readonly string[],
    interpreter: Interpreter,
  ): Promise<Resolution> {
    const { Requirement } = await import("../pep508/index.ts");
    const target = targetFromInterpreter(interpreter);
    const provider = new RegistryProvider({
      client: this.#settings.client,
      database: this.database,
      target,
      noBinary: selectionList(this.options.noBinary),
      onlyBinary: selectionList(this.options.noBuild),
    });
    const solved = await resolve(provider, {
      // What the environment already holds stays: requirements only add to it.
      requirements: [...requirements, ...held.map((pin) => Requirement.parse(pin))],
      environment: target.environment,
      pythonVersion: target.pythonVersion,
    });
    return provider.resolution(solved);
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
