import type { Command } from "commander";
import type { Cache } from "../cache/index.ts";
import type { HttpClient, RegistryClient } from "../client/index.ts";
import type { ArchiveLimits } from "../support/index.ts";
import { cacheSettings } from "./cache-options.ts";
import {
  type IndexOptionValues,
  type RegistrySettings,
  registrySettings,
} from "./index-options.ts";
import type { Printer } from "./printer.ts";

export { cacheSettings, openCache } from "./cache-options.ts";

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

/** The services of a command that reads packages; `close()` when done. */
export interface RegistrySession {
  readonly settings: RegistrySettings;
  readonly cache: Cache;
  readonly http: HttpClient;
  readonly client: RegistryClient;
  /** How much one wheel or sdist may unpack to (`PUFFIN_MAX_ARCHIVE_SIZE`, `…_ENTRIES`). */
  readonly archiveLimits: ArchiveLimits;
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
  const [{ Cache }, { HttpClient, RegistryClient }, { archiveLimitsFromEnv }] = await Promise.all([
    import("../cache/index.ts"),
    import("../client/index.ts"),
    import("./archive-limits.ts"),
  ]);
  const settings = registrySettings(command.opts<IndexOptionValues>(), context);
  const archiveLimits = archiveLimitsFromEnv(context.env);
  const cache = await Cache.fromSettings({
    ...cacheSettings(command, context),
    refresh: settings.refresh,
  });
  const http = HttpClient.create({ env: context.env, offline: settings.offline });
  const client = new RegistryClient({ http, cache, locations: settings.locations });
  return { settings, cache, http, client, archiveLimits, close: () => http.close() };
}
