import { FileLock, PuffinError } from "../support/index.ts";
import { InstallJournal } from "./install-journal.ts";
import { environmentLockPath, type InstallLayout } from "./install-layout.ts";
import { type InstalledWheel, installWheel, type WheelInstall } from "./install-wheel.ts";
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
  return FileLock.acquire(environmentLockPath(layout));
}

/**
 * Installs wheels unzipped in the cache into an environment, in parallel across wheels, as one
 * unit: if any wheel fails, every change of the run is rolled back (files removed, files that
 * were moved aside put back, created directories removed), so the environment is as before.
 * The environment is locked meanwhile unless the caller holds the lock.
 */
export async function installWheels(
  wheels: readonly WheelInstall[],
  options: InstallWheelsOptions,
): Promise<InstalledWheel[]> {
  const lock = options.lockHeld ? undefined : await lockEnvironment(options.layout);
  try {
    const linker = new Linker(options.linkMode ?? "clone");
    const journals = wheels.map(() => new InstallJournal());
    const results = await Promise.allSettled(
      wheels.map((wheel, i) =>
        installWheel(wheel, {
          layout: options.layout,
          linker,
          journal: journals[i]!,
          installer: options.installer ?? "puffin",
        }),
      ),
    );
    const failed = results.findIndex((result) => result.status === "rejected");
    if (failed >= 0) {
      for (const journal of journals) await journal.rollback();
      const reason = (results[failed] as PromiseRejectedResult).reason;
      throw new PuffinError(
        "install-failed",
        `Failed to install \`${wheels[failed]!.cached.filename.toString()}\``,
        { cause: reason },
      );
    }
    await Promise.all(journals.map((journal) => journal.commit()));
    return results.map((result) => (result as PromiseFulfilledResult<InstalledWheel>).value);
  } finally {
    await lock?.release();
  }
}
