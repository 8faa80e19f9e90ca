import type { DatabaseReporter } from "../distribution/index.ts";
import type { InstallReporter } from "../installer/index.ts";

/**
 * Everything an operation tells as it goes: the resolution, then the database's downloads and
 * builds, then the installer's steps. The CLI implements it (live progress on a terminal,
 * summary lines otherwise); a library caller may implement any part.
 */
export interface OperationReporter extends DatabaseReporter, InstallReporter {
  /** Resolution starts. */
  onResolveStart?(): void;
  /** The resolution is done: `count` packages, in `elapsedMs`. */
  onResolved?(count: number, elapsedMs: number): void;
}
