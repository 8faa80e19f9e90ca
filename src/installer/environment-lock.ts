import { FileLock } from "../support/index.ts";
import { environmentLockPath, type InstallLayout } from "./install-layout.ts";

/**
 * Takes the environment's lock (`<prefix>/.lock`), waiting for another Puffin that holds it.
 * Whoever changes an environment takes it before reading it, so two runs never plan against the
 * same state: they serialize.
 */
export function lockEnvironment(layout: InstallLayout): Promise<FileLock> {
  return FileLock.acquire(environmentLockPath(layout), { area: "environment" });
}
