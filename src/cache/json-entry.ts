import { lstat, readFile } from "node:fs/promises";
import { log, removeTree, writeFileAtomic } from "../support/index.ts";

/**
 * A cache entry stored as JSON: `{ "version": N, "writtenAt": ms, "value": … }`.
 *
 * `version` is the entry format's own version, owned by its writer: bump it when the shape of
 * `value` changes, and older entries read as missing. `writtenAt` is when it was written, for
 * `--refresh` (`refresh.ts`). Writes are atomic (`writeFileAtomic`). Reads never throw for a bad
 * entry: missing, unreadable, truncated, garbage, another version or a failed validation all
 * mean "not cached" (logged at debug), and the caller fetches and rewrites it.
 */
export interface EntrySchema<T> {
  version: number;
  /** Checks the shape of a parsed `value`. */
  validate: (value: unknown) => value is T;
}

export interface CachedEntry<T> {
  value: T;
  writtenAt: number;
}

export async function readJsonEntry<T>(
  path: string,
  schema: EntrySchema<T>,
): Promise<CachedEntry<T> | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") {
      log.debug(`Ignoring unreadable cache entry ${path}: ${(error as Error).message}`);
    }
    return undefined;
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(text);
  } catch {
    log.debug(`Ignoring corrupt cache entry ${path} (not valid JSON)`);
    return undefined;
  }
  if (typeof envelope !== "object" || envelope === null) {
    log.debug(`Ignoring corrupt cache entry ${path} (not an object)`);
    return undefined;
  }
  const { version, writtenAt, value } = envelope as Record<string, unknown>;
  if (version !== schema.version) {
    log.debug(`Ignoring cache entry ${path}: version ${String(version)}, want ${schema.version}`);
    return undefined;
  }
  if (typeof writtenAt !== "number" || !schema.validate(value)) {
    log.debug(`Ignoring cache entry ${path}: unexpected content`);
    return undefined;
  }
  return { value, writtenAt };
}

/**
 * Writes `value` as a version-`version` entry at `path`, atomically. A directory where the
 * entry belongs (damage from outside; a reader took it for a miss) is removed for the entry.
 */
export async function writeJsonEntry<T>(
  path: string,
  schema: { version: number },
  value: T,
): Promise<void> {
  const envelope = { version: schema.version, writtenAt: Date.now(), value };
  const write = () => writeFileAtomic(path, JSON.stringify(envelope), { area: "cache" });
  try {
    await write();
  } catch (error) {
    const found = await lstat(path).catch(() => undefined);
    if (found?.isDirectory() !== true) throw error;
    await removeTree(path);
    await write();
  }
}
