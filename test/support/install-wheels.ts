// Installs wheels unzipped in the cache into an environment the way the installer's pipeline
// does (the environment's lock, recovery of an interrupted change, one transaction), for tests
// that start from cached wheels rather than from a resolution.

import { lockEnvironment } from "../../src/installer/environment-lock.ts";
import type { LinkMode } from "../../src/installer/index.ts";
import type { InstallLayout } from "../../src/installer/install-layout.ts";
import type { InstalledWheel, WheelInstall } from "../../src/installer/install-wheel.ts";
import { reify } from "../../src/installer/reify.ts";
import { recoverEnvironment } from "../../src/installer/transaction.ts";

export async function installWheels(
  wheels: readonly WheelInstall[],
  options: { readonly layout: InstallLayout; readonly linkMode?: LinkMode },
): Promise<readonly InstalledWheel[]> {
  const lock = await lockEnvironment(options.layout);
  try {
    await recoverEnvironment(options.layout);
    const reified = await reify({
      layout: options.layout,
      removals: [],
      installs: wheels,
      linkMode: options.linkMode,
    });
    return reified.installed;
  } finally {
    await lock.release();
  }
}
