import type { Command } from "commander";
import type { Cache, CacheSettings } from "../cache/index.ts";
import type { HttpClient, RegistryClient } from "../client/index.ts";
import {
  type IndexOptionValues,
  type RegistrySettings,
  registrySettings,
} from "./index-options.ts";
import type { Printer } from "./printer.ts";

/**
 * What every command needs from its invocation, and the services it opens from the global
 * options. This file is loaded at startup, so it imports modules only as types and loads them
 * (`await import`) when a command opens them: `puffin --version` never pays for the cache or
 * the network stack.
 */
export interface CommandContext {
  env: NodeJS.ProcessEnv;
  /** The directory relative paths (`--cache-dir`, requirement files, `.venv`) are taken from. */
  cwd: string;
  /** The printer for this invocation's global options (`-q`, `-v`, `--color`). */
  printer: () => Printer;
}

/** The global cache options as commander parses them (`--no-cache` sets `cache: false`). */
interface CacheOptions {
  cacheDir?: string;
  cache?: boolean;
}

/** The cache settings of an invocation, from the global `--cache-dir` / `-n, --no-cache`. */
export function cacheSettings(
  command: Command,
  context: Pick<CommandContext, "env" | "cwd">,
): CacheSettings {
  const options = command.optsWithGlobals<CacheOptions>();
  return {
    cacheDir: options.cacheDir,
    noCache: options.cache === false,
    env: context.env,
    cwd: context.cwd,
  };
}

/** The cache of an invocation (see `cacheSettings`). */
export async function openCache(command: Command, context: CommandContext): Promise<Cache> {
  const { Cache } = await import("../cache/index.ts");
  return Cache.fromSettings(cacheSettings(command, context));
}

/** The services of a command that reads packages; `close()` when done. */
export interface RegistrySession {
  readonly settings: RegistrySettings;
  readonly cache: Cache;
  readonly http: HttpClient;
  readonly client: RegistryClient;
  close(): Promise<void>;
}

/**
 * Opens the cache, the HTTP client and the registry client for a command registered with
 * `addIndexOptions`: index locations, `--offline`, `--refresh[-package]` and the cache options.
 */
export async function openRegistrySession(
  command: Command,
  context: CommandContext,
): Promise<RegistrySession> {
  const [{ Cache }, { HttpClient, RegistryClient }] = await Promise.all([
    import("../cache/index.ts"),
    import("../client/index.ts"),
  ]);
  const settings = registrySettings(command.opts<IndexOptionValues>(), context);
  const cache = await Cache.fromSettings({
    ...cacheSettings(command, context),
    refresh: settings.refresh,
  });
  const http = HttpClient.create({ env: context.env, offline: settings.offline });
  const client = new RegistryClient({ http, cache, locations: settings.locations });
  return { settings, cache, http, client, close: () => http.close() };
}
