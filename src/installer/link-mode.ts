import { constants, copyFileSync, linkSync } from "node:fs";
import { log, PuffinError } from "../support/index.ts";

/**
 * How files get from the unzipped wheel in the cache into an environment (`--link-mode`):
 * - `clone`: a copy-on-write clone (`FICLONE`: btrfs, XFS, bcachefs; APFS `clonefile`), as fast
 *   as a link but independent of the cache afterwards;
 * - `hardlink`: a hard link (the cache and the environment then share the file);
 * - `copy`: a plain copy.
 * The default is `clone`; where the filesystem cannot clone, Puffin uses hard links, and where it
 * cannot link (another device), copies — as uv does.
 */
export type LinkMode = "clone" | "hardlink" | "copy";

export const LINK_MODES: readonly LinkMode[] = ["clone", "hardlink", "copy"];

/** Errors meaning "this filesystem (pair) cannot do that", not "this file is wrong". */
const UNSUPPORTED = new Set([
  "ENOTSUP",
  "EOPNOTSUPP",
  "EXDEV",
  "EINVAL",
  "ENOSYS",
  "EPERM",
  "EMLINK",
]);

/**
 * Places files with a link mode, degrading once and for all (per `Linker`) when the filesystem
 * refuses: clone → hardlink → copy. The destination must not exist: an existing file is an
 * `EEXIST` error for the caller to handle (the installer moves it aside first).
 */
export class Linker {
  #mode: LinkMode;

  constructor(readonly requested: LinkMode = "clone") {
    this.#mode = requested;
  }

  /** The mode in use now (after any fallback). */
  get mode(): LinkMode {
    return this.#mode;
  }

  /**
   * One blocking syscall: the installer's hot loop places tens of thousands of files, and a
   * `link(2)` costs a few microseconds where a promise round trip through the thread pool costs
   * more (measured: 45k files of the `large` set link in 0.31 s with `linkSync`, 0.38 s with
   * `fs/promises` and any number in flight, on a 2-core machine).
   */
  place(source: string, destination: string): void {
    for (;;) {
      const mode = this.#mode;
      try {
        if (mode === "clone") {
          copyFileSync(source, destination, CLONE_FLAGS);
        } else if (mode === "hardlink") {
          linkSync(source, destination);
        } else {
          copyFileSync(source, destination, constants.COPYFILE_EXCL);
        }
        return;
      } catch (error) {
        this.#degrade(mode, error, source, destination);
      }
    }
  }

  /** After `mode` failed with `error`: falls back to the next mode, or rethrows. */
  #degrade(mode: LinkMode, error: unknown, source: string, destination: string): void {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    if (mode === "copy" || !UNSUPPORTED.has(code)) throw error;
    const next: LinkMode = mode === "clone" ? "hardlink" : "copy";
    if (this.#mode === mode) {
      log.debug(`Cannot ${mode} ${source} to ${destination} (${code}); using ${next}`);
      this.#mode = next;
    }
  }
}

const CLONE_FLAGS = constants.COPYFILE_FICLONE_FORCE | constants.COPYFILE_EXCL;

/** Parses `--link-mode` / `PUFFIN_LINK_MODE`. */
export function parseLinkMode(text: string): LinkMode {
  if ((LINK_MODES as readonly string[]).includes(text)) return text as LinkMode;
  throw new PuffinError(
    "invalid-link-mode",
    `Invalid link mode ${JSON.stringify(text)}: expected one of ${LINK_MODES.join(", ")}`,
  );
}
