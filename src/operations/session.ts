import { Cache } from "../cache/index.ts";
import { HttpClient, RegistryClient } from "../client/index.ts";
import { BuildDispatch } from "../dispatch/index.ts";
import type { DatabaseReporter, HashStrategy } from "../distribution/index.ts";
import { IndexLocations } from "../distribution-types/index.ts";
import type { Interpreter } from "../interpreter/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { RequirementSources } from "./requirement-sources.ts";
import { packageConfigSettings } from "./resolve.ts";
import {
  type BinarySelection,
  type BuildSettings,
  type FileIndexOptions,
  type SessionSettings,
  withFileIndexOptions,
} from "./settings.ts";

/**
 * The services of a command that reads packages: the cache, the HTTP client, the registry
 * client over the command's index locations (its flags and variables, then its requirements
 * files' own `--index-url`/`--find-links` lines). `close()` when done.
 */
export class Session {
  private constructor(
    readonly settings: SessionSettings,
    readonly cache: Cache,
    readonly http: HttpClient,
    readonly client: RegistryClient,
  ) {}

  static async open(command: SessionSettings, files?: FileIndexOptions): Promise<Session> {
    const index = files === undefined ? command.index : withFileIndexOptions(command.index, files);
    const settings = { ...command, index };
    const { invocation } = settings;
    const cache = await Cache.fromSettings({ ...settings.cache, refresh: index.refresh });
    const http = HttpClient.create({ env: invocation.env, offline: index.offline });
    const locations = IndexLocations.fromSettings({
      indexUrl: index.indexUrl,
      extraIndexUrls: index.extraIndexUrls,
      findLinks: index.findLinks,
      noIndex: index.noIndex,
      indexStrategy: index.indexStrategy,
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
   * `BuildDispatch`); `close()` it before the session. `--no-binary`/`--only-binary` are the
   * requirements files' joined with the command's (`binary`), and each requirement's own
   * `--config-settings` apply to its package's builds.
   */
  builds(
    interpreter: Interpreter,
    build: BuildSettings,
    sources: Pick<RequirementSources, "requirements" | "noBinary" | "onlyBinary">,
    options: {
      readonly binary?: {
        readonly noBinary: readonly BinarySelection[];
        readonly onlyBinary: readonly BinarySelection[];
      };
      readonly hashes?: HashStrategy | undefined;
      readonly reporter?: DatabaseReporter | undefined;
      readonly puffinVersion: string;
    },
  ): BuildDispatch {
    const noBinary = [...sources.noBinary, ...(options.binary?.noBinary ?? [])];
    const onlyBinary = [...sources.onlyBinary, ...(options.binary?.onlyBinary ?? [])];
    return BuildDispatch.create({
      interpreter,
      cache: this.cache,
      client: this.client,
      http: this.http,
      options: {
        noBuild: build.noBuild ? { kind: "all" } : selection(onlyBinary),
        noBinary: selection(noBinary),
        configSettings: build.configSettings,
        archiveLimits: build.archiveLimits,
      },
      isolation: build.isolation,
      git: { offline: this.settings.index.offline, env: this.settings.invocation.env },
      hashes: options.hashes,
      packageConfigSettings: packageConfigSettings(sources.requirements),
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
