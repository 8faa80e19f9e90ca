import type { InstalledDist } from "../distribution-types/index.ts";
import { describeSystemError, errorChain, log, PuffinError } from "../support/index.ts";
import type { InstallLayout } from "./install-layout.ts";
import { type InstalledWheel, installWheelSync, type WheelInstall } from "./install-wheel.ts";
import { Linker, type LinkMode } from "./link-mode.ts";
import { EnvironmentTransaction } from "./transaction.ts";
import { removeDistribution, type Uninstalled } from "./uninstall.ts";

export interface ReifyOptions {
  readonly layout: InstallLayout;
  /** Installed distributions to remove (replaced ones, extraneous ones). */
  readonly removals: readonly InstalledDist[];
  /** Wheels to install, from the cache. */
  readonly installs: readonly WheelInstall[];
  /** Default `clone` (falling back to hardlink, then copy). */
  readonly linkMode?: LinkMode | undefined;
  /** `INSTALLER` content; default `puffin`. */
  readonly installer?: string;
  /** Told after each removal and each install (progress). */
  readonly onRemoved?: (dist: InstalledDist) => void;
  readonly onInstalled?: (wheel: WheelInstall) => void;
}

export interface Reified {
  readonly removed: readonly Uninstalled[];
  readonly installed: readonly InstalledWheel[];
  /** How long the removals and the installs took (ms); undefined for a step with nothing. */
  readonly uninstallMs: number | undefined;
  readonly installMs: number | undefined;
}

/**
 * Makes the environment what the plan says, as one transaction (see `transaction.ts`): every
 * removal, then every install. If anything fails, all of it is rolled back and the environment
 * is as it was; if the process is killed, the next run that takes the lock rolls it back. The
 * caller holds the environment's lock and has recovered any interrupted change.
 *
 * Wheels are installed one after the other with blocking syscalls: a warm install is almost only
 * `link(2)` and `mkdir(2)` calls of a few microseconds each, which one thread issues faster than
 * the thread pool behind `fs/promises` (see `installWheelSync`).
 */
export async function reify(options: ReifyOptions): Promise<Reified> {
  const { layout } = options;
  const transaction = EnvironmentTransaction.begin(layout);
  const removed: Uninstalled[] = [];
  const installed: InstalledWheel[] = [];
  let uninstallMs: number | undefined;
  let installMs: number | undefined;
  try {
    const removing = performance.now();
    for (const dist of options.removals) {
      removed.push(await removeDistribution(transaction, dist, layout));
      options.onRemoved?.(dist);
    }
    if (options.removals.length > 0) uninstallMs = performance.now() - removing;
    const installing = performance.now();
    const linker = new Linker(options.linkMode ?? "clone");
    for (const wheel of options.installs) {
      try {
        installed.push(
          installWheelSync(wheel, {
            layout,
            linker,
            transaction,
            installer: options.installer ?? "puffin",
          }),
        );
      } catch (error) {
        // A full disk, a read-only or foreign-owned environment: say where, and what to do.
        const fault = describeSystemError(error, {
          area: "environment",
          path: layout.scheme.purelib,
        });
        throw new PuffinError(
          "install-failed",
          `Failed to install \`${wheel.cached.filename.toString()}\``,
          { cause: fault ?? error },
        );
      }
      options.onInstalled?.(wheel);
    }
    await transaction.commit();
    if (options.installs.length > 0) installMs = performance.now() - installing;
  } catch (error) {
    try {
      await transaction.rollback();
    } catch (rollbackError) {
      // The change's own failure is the one to report (a read-only environment can fail the
      // rollback too); the journal stays, so the next run finishes the rollback.
      log.warn(`Failed to roll back the change: ${errorChain(rollbackError).join(": ")}`);
    }
    throw error;
  }
  return { removed, installed, uninstallMs, installMs };
}
