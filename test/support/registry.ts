// Builds a RegistryClient for tests: explicit index URLs (no environment), a cache directory,
// and an HTTP client without retry delays.
import { Cache, type Refresh } from "../../src/cache/index.ts";
import { HttpClient, RegistryClient } from "../../src/client/index.ts";
import { BuildDispatch } from "../../src/dispatch/index.ts";
import type { DistributionDatabase, HashStrategy } from "../../src/distribution/index.ts";
import { IndexLocations, IndexUrl } from "../../src/distribution-types/index.ts";
import { parseFindLinks } from "../../src/distribution-types/index-url.ts";
import type { Interpreter } from "../../src/interpreter/index.ts";

export interface TestRegistryOptions {
  /** Cache root. */
  readonly cacheDir: string;
  /** The default index (consulted last); none when absent. */
  readonly indexUrl?: string;
  /** Consulted first, in order. */
  readonly extraIndexUrls?: readonly string[];
  readonly findLinks?: readonly string[];
  readonly offline?: boolean;
  readonly refresh?: Refresh;
  readonly retries?: number;
}

export function testRegistry(options: TestRegistryOptions): {
  client: RegistryClient;
  http: HttpClient;
  cache: Cache;
} {
  const http = HttpClient.create({
    offline: options.offline ?? false,
    retries: options.retries ?? 0,
    retryDelayMs: 1,
    env: {},
    netrcPath: "/nonexistent/netrc",
  });
  const cache = Cache.at(options.cacheDir, options.refresh);
  const locations = IndexLocations.of({
    indexUrl: options.indexUrl === undefined ? undefined : IndexUrl.parse(options.indexUrl),
    extraIndexUrls: (options.extraIndexUrls ?? []).map((url) => IndexUrl.parse(url)),
    findLinks: (options.findLinks ?? []).map((location) => parseFindLinks(location)),
  });
  return { client: new RegistryClient({ http, cache, locations }), http, cache };
}

/**
 * The distribution database a command would have over `registry`, building for `interpreter`
 * (builds happen only when a test asks for a source's wheel or a dynamic source's metadata; a
 * source distribution with static metadata is read without Python).
 */
export function testDatabase(
  registry: { client: RegistryClient; http: HttpClient; cache: Cache },
  interpreter: Interpreter,
  options: { hashes?: HashStrategy } = {},
): DistributionDatabase {
  return BuildDispatch.create({
    interpreter,
    cache: registry.cache,
    client: registry.client,
    http: registry.http,
    options: { noBuild: { kind: "none" }, noBinary: { kind: "none" }, configSettings: {} },
    isolation: true,
    hashes: options.hashes,
    puffinVersion: "0.0.0-test",
  }).database;
}
