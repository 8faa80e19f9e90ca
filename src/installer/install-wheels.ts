import { describeSystemError, errorChain, FileLock, log, PuffinError } from "../support/index.ts";
import { InstallJournal } from "./install-journal.ts";
import { environmentLockPath, type InstallLayout } from "./install-layout.ts";
import { type InstalledWheel, installWheelSync, type WheelInstall } from "./install-wheel.ts";
import { Linker, type LinkMode } from "./link-mode.ts";

export interface InstallWheelsOptions {
  readonly layout: InstallLayout;
  /** Default `clone` (falling back to hardlink, then copy). */
  readonly linkMode?: LinkMode;
  /** `INSTALLER` content; default `puffin`. */
  readonly installer?: string;
  /** The caller already holds the environment lock (`lockEnvironment`). */
  readonly lockHeld?: boolean;
}

/** Takes the environment's lock (`<prefix>/.lock`), waiting for another Puffin that holds it. */
export function lockEnvironment(layout: InstallLayout): Promise<FileLock> {
  return FileLock.acquire(environmentLockPath(layout), { area: "environment" });
}

/**
 * Installs wheels unzipped in the cache into an environment as one unit: if any wheel fails,
 * every change of the run is rolled back (files removed, files that were moved aside put back,
 * created directories removed), so the environment is as before. The environment is locked
 * meanwhile unless the caller holds the lock.
 *
 * Wheels are installed one after the other with blocking syscalls: a warm install is almost
 * only `link(2)` and `mkdir(2)` calls of a few microseconds each, which one thread issues faster
 * than the thread pool behind `fs/promises` (see `installWheelSync`).
 */
export async function installWheels(
  wheels: readonly WheelInstall[],
  options: InstallWheelsOptions,
): Promise<InstalledWheel[]> {
  const lock = options.lockHeld ? undefined : await lockEnvironment(options.layout);
  try {
    const linker = new Linker(options.linkMode ?? "clone");
    const journals: InstallJournal[] = [];
    const installed: InstalledWheel[] = [];
    for (const wheel of wheels) {
      const journal = new InstallJournal();
      journals.push(journal);
      try {
        installed.push(
          installWheelSync(wheel, {
            layout: options.layout,
            linker,
            journal,
            installer: options.installer ?? "puffin",
          }),
        );
      } catch (error) {
        // Newest first: a directory an earlier wheel created may hold a later wheel's files.
        for (const done of journals.reverse()) {
          try {
            await done.rollback();
          } catch (rollbackError) {
            // The install's own failure is the one to report (a read-only environment can fail
            // the rollback too); what could not be undone is said, not hidden.
            log.warn(
              `Failed to roll back a partial install: ${errorChain(rollbackError).join(": ")}`,
            );
          }
        }
        // A full disk, a read-only or foreign-owned environment: say where, and what to do.
        const fault = describeSystemError(error, {
          area: "environment",
          path: options.layout.scheme.purelib,
        });
        throw new PuffinError(
          "install-failed",
          `Failed to install \`${wheel.cached.filename.toString()}\``,
          { cause: fault ?? error },
        );
      }
    }
    await Promise.all(journals.map((journal) => journal.commit()));
    return installed;
  } finally {
    await lock?.release();
  }
}
