import {
  ARCHIVE_ENTRIES_VARIABLE,
  ARCHIVE_SIZE_VARIABLE,
  type ArchiveLimits,
  DEFAULT_ARCHIVE_LIMITS,
  PuffinError,
} from "../support/index.ts";

/**
 * The archive limits of a command (see `ArchiveLimits`): `PUFFIN_MAX_ARCHIVE_SIZE`, bytes, or a
 * number with a unit (`16GiB`, `1.5 TiB`, `500MB`: binary `KiB` `MiB` `GiB` `TiB`, decimal `kB`
 * `MB` `GB` `TB`, any case), and `PUFFIN_MAX_ARCHIVE_ENTRIES`, a count; each unset or empty
 * means the default. Anything else, or zero, is an `invalid-archive-limit` error naming the
 * variable.
 */
export function archiveLimitsFromEnv(env: NodeJS.ProcessEnv): ArchiveLimits {
  return {
    maxSize: parseSize(env[ARCHIVE_SIZE_VARIABLE]) ?? DEFAULT_ARCHIVE_LIMITS.maxSize,
    maxEntries: parseCount(env[ARCHIVE_ENTRIES_VARIABLE]) ?? DEFAULT_ARCHIVE_LIMITS.maxEntries,
  };
}

const UNITS: ReadonlyMap<string, number> = new Map([
  ["", 1],
  ["b", 1],
  ["kib", 1024],
  ["mib", 1024 ** 2],
  ["gib", 1024 ** 3],
  ["tib", 1024 ** 4],
  ["kb", 1000],
  ["mb", 1000 ** 2],
  ["gb", 1000 ** 3],
  ["tb", 1000 ** 4],
]);

function parseSize(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = match === null ? undefined : UNITS.get(match[2]!.toLowerCase());
  const bytes = unit === undefined ? Number.NaN : Math.floor(Number(match![1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new PuffinError(
      "invalid-archive-limit",
      `${ARCHIVE_SIZE_VARIABLE} must be a positive number of bytes, optionally with a unit (KiB, MiB, GiB, TiB, kB, MB, GB, TB), not ${JSON.stringify(value)}`,
    );
  }
  return bytes;
}

function parseCount(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const count = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(count) || count <= 0) {
    throw new PuffinError(
      "invalid-archive-limit",
      `${ARCHIVE_ENTRIES_VARIABLE} must be a positive whole number, not ${JSON.stringify(value)}`,
    );
  }
  return count;
}
