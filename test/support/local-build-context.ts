// A real `BuildContext` for tests of the build frontend, standing in for `dispatch` (which uses
// the resolver): build environments are real virtual environments (src/venv) and build
// requirements are real wheels installed with the installer core (unzipWheel + installWheels)
// from a directory of wheels, chosen by name: the newest wheel of the name whose version the
// requirement allows, and its dependencies (markers evaluated) likewise. Requirements naming a
// package in `sdists` are built from that sdist through the build frontend, with the build
// stack passed on, as dispatch does.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { builtWheel } from "../../src/build/index.ts";
import type {
  BuildContext,
  BuildEnvironment,
  BuildOptions,
} from "../../src/build-context/index.ts";
import type { Cache } from "../../src/cache/index.ts";
import { unzipWheel } from "../../src/distribution/unzip-wheel.ts";
import { WheelFilename } from "../../src/filenames/index.ts";
import { layoutFor } from "../../src/installer/index.ts";
import { type Interpreter, queryInterpreter } from "../../src/interpreter/index.ts";
import type { PackageName } from "../../src/normalize/index.ts";
import type { Requirement } from "../../src/pep508/index.ts";
import { parseCoreMetadata } from "../../src/pypi-types/index.ts";
import { createVenv } from "../../src/venv/index.ts";
import { FileZipSource, readWheelMetadataSync } from "../../src/zip/index.ts";
import { installWheels } from "./install-wheels.ts";

export interface LocalBuildContextOptions {
  readonly interpreter: Interpreter;
  readonly cache: Cache;
  /** Directories of wheels that build requirements are taken from. */
  readonly wheelDirectories: readonly string[];
  /** Packages built from these sdists when a build requires them. */
  readonly sdists?: ReadonlyMap<PackageName, string>;
  readonly options?: Partial<BuildOptions>;
  readonly buildStack?: readonly PackageName[];
  /** Counts calls, shared with child contexts. */
  readonly counters?: BuildCounters;
}

export interface BuildCounters {
  environments: number;
  installs: string[][];
}

export class LocalBuildContext implements BuildContext {
  readonly interpreter: Interpreter;
  readonly cache: Cache;
  readonly options: BuildOptions;
  readonly buildStack: readonly PackageName[];
  readonly counters: BuildCounters;
  readonly #wheels: Map<PackageName, (WheelFilename & { path: string })[]>;

  constructor(readonly settings: LocalBuildContextOptions) {
    this.interpreter = settings.interpreter;
    this.cache = settings.cache;
    this.options = {
      noBuild: { kind: "none" },
      noBinary: { kind: "none" },
      configSettings: {},
      ...settings.options,
    };
    this.buildStack = settings.buildStack ?? [];
    this.counters = settings.counters ?? { environments: 0, installs: [] };
    this.#wheels = new Map();
    for (const directory of settings.wheelDirectories) {
      for (const file of readdirSync(directory)) {
        const filename = WheelFilename.tryParse(file);
        if (filename === undefined) continue;
        const list = this.#wheels.get(filename.name) ?? [];
        list.push(Object.assign(filename, { path: join(directory, file) }));
        this.#wheels.set(filename.name, list);
      }
    }
  }

  async createBuildEnvironment(location: string): Promise<BuildEnvironment> {
    this.counters.environments += 1;
    const created = await createVenv({
      location,
      interpreter: this.interpreter,
      prompt: undefined,
      systemSitePackages: false,
      clear: false,
      puffinVersion: "0.0.0-test",
    });
    return {
      interpreter: await queryInterpreter(created.python, { cache: this.cache }),
      isolated: true,
    };
  }

  async installBuildRequirements(
    requirements: readonly Requirement[],
    environment: BuildEnvironment,
    buildStack: readonly PackageName[],
  ): Promise<void> {
    const chosen = new Map<PackageName, string>();
    const markers = environment.interpreter.markers;
    const pending = [...requirements];
    while (pending.length > 0) {
      const requirement = pending.shift()!;
      if (requirement.marker !== undefined && !requirement.marker.evaluate(markers, [])) continue;
      if (chosen.has(requirement.name)) continue;
      const sdist = this.settings.sdists?.get(requirement.name);
      if (sdist !== undefined) {
        const child = new LocalBuildContext({
          ...this.settings,
          buildStack,
          counters: this.counters,
        });
        const built = await builtWheel(child, {
          kind: "archive",
          path: sdist,
          name: requirement.name,
        });
        chosen.set(requirement.name, built.path);
        continue;
      }
      const wheel = this.#pick(requirement);
      chosen.set(requirement.name, wheel);
      const source = FileZipSource.open(wheel);
      try {
        const metadata = parseCoreMetadata(readWheelMetadataSync(source).metadata);
        pending.push(...metadata.requiresDist);
      } finally {
        source.close();
      }
    }
    this.counters.installs.push([...chosen.keys()].sort());
    const wheels = await Promise.all(
      [...chosen.values()].map(async (wheel) => ({
        cached: await unzipWheel({ wheel, cache: this.cache }),
        requested: false,
      })),
    );
    await installWheels(wheels, { layout: layoutFor(environment.interpreter) });
  }

  #pick(requirement: Requirement): string {
    const candidates = (this.#wheels.get(requirement.name) ?? [])
      .filter((wheel) =>
        requirement.version.kind === "specifiers"
          ? requirement.version.specifiers.contains(wheel.version)
          : false,
      )
      .sort((a, b) => b.version.compare(a.version));
    const best = candidates[0];
    if (best === undefined) throw new Error(`test build context: no wheel for ${requirement}`);
    return best.path;
  }
}
