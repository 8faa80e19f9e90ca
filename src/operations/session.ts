import type { ConfigSettings } from "../build-context/index.ts";
import { Cache } from "../cache/index.ts";
import { HttpClient, RegistryClient } from "../client/index.ts";
import { BuildDispatch } from "../dispatch/index.ts";
import type { DatabaseReporter, HashStrategy } from "../distribution/index.ts";
import { IndexLocations } from "../distribution-types/index.ts";
import type { Interpreter } from "../interpreter/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { BinarySelection, BuildSettings, SessionSettings } from "./settings.ts";

/**
 * The services of a command that reads packages: the cache, the HTTP client, the registry
 * client over the command's index locations. `close()` when done.
 */
export class Session {
  private constructor(
    readonly settings: SessionSettings,
    readonly cache: Cache,
    readonly http: HttpClient,
    readonly client: RegistryClient,
  ) {}

  static async open(settings: SessionSettings): Promise<Session> {
    const { index, invocation } = settings;
    const cache = await Cache.fromSettings({ ...settings.cache, refresh: index.refresh });
    const http = HttpClient.create({ env: invocation.env, offline: index.offline });
    const locations = IndexLocations.fromSettings({
      indexUrl: index.indexUrl,
      extraIndexUrls: index.extraIndexUrls,
      findLinks: index.findLinks,
      noIndex: index.noIndex,
      // Flags and variables are already merged into `index`.
      env: {},
      cwd: invocation.cwd,
    });
    const client = new RegistryClient({ http, cache, locations });
    return new Session(settings, cache, http, client);
  }

  get locations(): IndexLocations {
    return this.client.locations;
  }

  /**
   * The command's build context and distribution database, building for `interpreter` (see
   * `BuildDispatch`); `close()` it before the session.
   */
  builds(
    interpreter: Interpreter,
    build: BuildSettings,
    options: {
      readonly noBinary?: readonly BinarySelection[];
      readonly onlyBinary?: readonly BinarySelection[];
      readonly hashes?: HashStrategy | undefined;
      readonly packageConfigSettings?: ReadonlyMap<PackageName, ConfigSettings> | undefined;
      readonly reporter?: DatabaseReporter | undefined;
      readonly puffinVersion: string;
    },
  ): BuildDispatch {
    return BuildDispatch.create({
      interpreter,
      cache: this.cache,
      client: this.client,
      http: this.http,
      options: {
        noBuild: build.noBuild ? { kind: "all" } : selection(options.onlyBinary ?? []),
        noBinary: selection(options.noBinary ?? []),
        configSettings: build.configSettings,
        archiveLimits: build.archiveLimits,
      },
      isolation: build.isolation,
      git: { offline: this.settings.index.offline, env: this.settings.invocation.env },
      hashes: options.hashes,
      packageConfigSettings: options.packageConfigSettings,
      reporter: options.reporter,
      puffinVersion: options.puffinVersion,
    });
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

function selection(list: readonly BinarySelection[]) {
  if (list.includes(":all:")) return { kind: "all" } as const;
  if (list.length === 0) return { kind: "none" } as const;
  return { kind: "packages", names: new Set(list as PackageName[]) } as const;
}
