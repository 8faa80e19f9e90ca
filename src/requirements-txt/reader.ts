import { readFile as readLocalFile, stat } from "node:fs/promises";

/**
 * How the parser reaches files: injected so that tests run in memory and the HTTP client can
 * serve remote requirements files (`-r https://…`) once it exists.
 */
export interface RequirementsFileReader {
  /** The bytes of a local file, by absolute path; rejects with Node's error (`code: "ENOENT"`…). */
  readFile(path: string): Promise<Uint8Array>;
  /** Whether a local path exists (used for `--find-links` paths relative to the file). */
  exists(path: string): Promise<boolean>;
  /** The bytes of a remote (`http:`/`https:`) requirements file; without it those are refused. */
  fetch?(url: URL): Promise<Uint8Array>;
}

/** Reads local files with `node:fs`; no remote files. */
export const localFileReader: RequirementsFileReader = {
  readFile: (path) => readLocalFile(path),
  exists: async (path) => {
    try {
      await stat(path);
      return true;
    } catch {
      return false;
    }
  },
};
