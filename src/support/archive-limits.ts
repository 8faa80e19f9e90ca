import { PuffinError } from "./error.ts";

/**
 * How much one archive (a wheel, an sdist) may unpack to: a zip or tar bomb (a small file that
 * expands to gigabytes, or to millions of files) fails with a clear error instead of filling the
 * disk or exhausting memory. The command reads them from `PUFFIN_MAX_ARCHIVE_SIZE` and
 * `PUFFIN_MAX_ARCHIVE_ENTRIES` (src/cli) and passes them down.
 */
export interface ArchiveLimits {
  /** The most bytes all members together may unpack to. */
  readonly maxSize: number;
  /** The most members (files, directories, links) an archive may hold. */
  readonly maxEntries: number;
}

/**
 * Generous defaults, measured on the real wheels of the offline index (~950 wheels of ~900
 * projects): the largest, `tensorflow_cpu-2.21.0` (274 MB), unpacks to 1.27 GB in 15 632
 * members, one of them 788 MB; `torch-2.14.1` (555 MB) to 1.14 GB; `nvidia_cudnn_cu13` to
 * 0.97 GB; the most members, 16 235, are in `cmeel_boost`. 8 GiB and 100 000 members leave six
 * times that room (CUDA builds of torch, about 2.5 GB, included), and a bomb still stops long
 * before a disk fills.
 */
export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxSize: 8 * 1024 ** 3,
  maxEntries: 100_000,
};

/** The environment variables that set the limits, named in the errors' hints. */
export const ARCHIVE_SIZE_VARIABLE = "PUFFIN_MAX_ARCHIVE_SIZE";
export const ARCHIVE_ENTRIES_VARIABLE = "PUFFIN_MAX_ARCHIVE_ENTRIES";

/**
 * `archive-too-large`: `display` (already redacted) unpacks, or says it unpacks, to more than
 * `limit` bytes. `declared` is the total the archive's own headers give, when that is how it was
 * found out (before anything was written).
 */
export function archiveTooLarge(display: string, limit: number, declared?: number): PuffinError {
  const what =
    declared === undefined
      ? `it unpacks to more than ${limit} bytes`
      : `its members declare ${declared} bytes in all, more than the limit of ${limit}`;
  return new PuffinError("archive-too-large", `Refusing to extract ${display}: ${what}`, {
    hint: `If the archive is trusted, raise the limit with ${ARCHIVE_SIZE_VARIABLE} (bytes, or with a unit: \`${ARCHIVE_SIZE_VARIABLE}=16GiB\`)`,
  });
}

/** `archive-too-many-entries`: `display` (already redacted) holds more than `limit` members. */
export function archiveTooManyEntries(
  display: string,
  limit: number,
  declared?: number,
): PuffinError {
  const what =
    declared === undefined
      ? `it holds more than ${limit} members`
      : `it holds ${declared} members, more than the limit of ${limit}`;
  return new PuffinError("archive-too-many-entries", `Refusing to extract ${display}: ${what}`, {
    hint: `If the archive is trusted, raise the limit with ${ARCHIVE_ENTRIES_VARIABLE}`,
  });
}

/**
 * What an extraction has produced so far, against the limits: count each member with `entry()`
 * and each chunk of bytes written with `bytes(n)`; the first count past a limit throws
 * (`archive-too-large`, `archive-too-many-entries`). These count what was really unpacked,
 * whatever the archive's headers declare.
 */
export class ArchiveBudget {
  readonly #display: string;
  readonly #limits: ArchiveLimits;
  #entries = 0;
  #bytes = 0;

  constructor(display: string, limits: ArchiveLimits) {
    this.#display = display;
    this.#limits = limits;
  }

  entry(): void {
    if (++this.#entries > this.#limits.maxEntries) {
      throw archiveTooManyEntries(this.#display, this.#limits.maxEntries);
    }
  }

  bytes(count: number): void {
    this.#bytes += count;
    if (this.#bytes > this.#limits.maxSize) {
      throw archiveTooLarge(this.#display, this.#limits.maxSize);
    }
  }
}
