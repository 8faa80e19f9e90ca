import type { Command } from "commander";
import type { Cache, CacheSettings } from "../cache/index.ts";

/**
 * The global cache options (`--cache-dir`, `-n, --no-cache`) and the cache they open. Kept apart
 * from `command-context.ts` (which imports the index options, and with them the registry
 * client) so that a command that needs only the cache, `puffin venv`, loads only the cache.
 */

/** Where an invocation runs: what relative paths and variables are read against. */
export interface InvocationPlace {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

/** The global cache options as commander parses them (`--no-cache` sets `cache: false`). */
export interface CacheOptions {
  cacheDir?: string;
  cache?: boolean;
}

/** The cache settings of an invocation, from the global `--cache-dir` / `-n, --no-cache`. */
export function cacheSettings(command: Command, context: InvocationPlace): CacheSettings {
  return cacheSettingsFrom(command.optsWithGlobals<CacheOptions>(), context);
}

/** `cacheSettings` from options already parsed (the fast path of `run-cli.ts`). */
export function cacheSettingsFrom(options: CacheOptions, context: InvocationPlace): CacheSettings {
  return {
    cacheDir: options.cacheDir,
    noCache: options.cache === false,
    env: context.env,
    cwd: context.cwd,
  };
}

/** The cache of an invocation (see `cacheSettings`). */
export async function openCache(command: Command, context: InvocationPlace): Promise<Cache> {
  return openCacheWith(cacheSettings(command, context));
}

/** Opens the cache these settings describe, loading the cache module on first use. */
export async function openCacheWith(settings: CacheSettings): Promise<Cache> {
  const { Cache } = await import("../cache/index.ts");
  return Cache.fromSettings(settings);
}
