import { stat } from "node:fs/promises";
import { PuffinError, readFileUpTo } from "../support/index.ts";

/**
 * How the parser reaches files: injected so that tests run in memory and the HTTP client can
 * serve remote requirements files (`-r https://…`) once it exists.
 */
export interface RequirementsFileReader {
  /**
   * The bytes of a local file, by absolute path; rejects with Node's error (`code: "ENOENT"`…),
   * or with `requirementsTooLarge` for one larger than `REQUIREMENTS_FILE_LIMIT`.
   */
  readFile(path: string): Promise<Uint8Array>;
  /** Whether a local path exists (used for `--find-links` paths relative to the file). */
  exists(path: string): Promise<boolean>;
  /** The bytes of a remote (`http:`/`https:`) requirements file; without it those are refused. */
  fetch?(url: URL): Promise<Uint8Array>;
}

/**
 * The most bytes a requirements source (a requirements, constraints or overrides file,
 * `pyproject.toml`, stdin) may hold: thousands of times any real one, and a bound on what
 * `-r /dev/zero` or an endless pipe makes Puffin read (see `readFileUpTo`).
 */
export const REQUIREMENTS_FILE_LIMIT = 64 * 1024 * 1024;

/** The error for a requirements source over `REQUIREMENTS_FILE_LIMIT`; `display` names it. */
export function requirementsTooLarge(display: string): PuffinError {
  return new PuffinError(
    "requirements-too-large",
    `Requirements file \`${display}\` is larger than ${REQUIREMENTS_FILE_LIMIT / (1024 * 1024)} MiB`,
  );
}

/** Reads local files with `node:fs`, bounded by `REQUIREMENTS_FILE_LIMIT`; no remote files. */
export const localFileReader: RequirementsFileReader = {
  readFile: async (path) => {
    const bytes = await readFileUpTo(path, REQUIREMENTS_FILE_LIMIT);
    if (bytes === undefined) throw requirementsTooLarge(path);
    return bytes;
  },
  exists: async (path) => {
    try {
      await stat(path);
      return true;
    } catch {
      return false;
    }
  },
};
