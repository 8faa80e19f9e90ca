import { basename, dirname, join } from "node:path";
import { PuffinError } from "../support/index.ts";
import { environmentLockPath, type InstallLayout } from "./install-layout.ts";

/**
 * Files of an environment that no wheel may replace: a console script named `python3`, or a
 * `.data/scripts/activate` or `.data/data/pyvenv.cfg` file, would otherwise overwrite the
 * interpreter links (every later `python` loops through its own launcher: `ELOOP`), the
 * activation scripts, the venv's configuration or Puffin's lock, and the environment could no
 * longer be repaired by Puffin itself. pip overwrites them silently; Puffin refuses the wheel.
 *
 * Protected, in the scripts directory: `python`, `python3`, `python3.12`, `pythonw`, `python3.13t`
 * and the interpreter's own name; the activation scripts that `venv`, virtualenv and Puffin write
 * (case-insensitively: `venv` writes `Activate.ps1`). At the prefix: `pyvenv.cfg` and the
 * environment lock.
 */

const INTERPRETER_NAME = /^python(\d+(\.\d+)?t?)?w?$/;
const ACTIVATION_NAMES = new Set([
  "activate",
  "activate.bat",
  "activate.csh",
  "activate.fish",
  "activate.nu",
  "activate.ps1",
  "activate.xsh",
  "activate_this.py",
  "deactivate.bat",
  "deactivate.nu",
]);

/** Why `target` (an absolute path an install would write) is protected, or `undefined`. */
export function protectedPathReason(layout: InstallLayout, target: string): string | undefined {
  const name = basename(target);
  if (dirname(target) === layout.scheme.scripts) {
    if (INTERPRETER_NAME.test(name) || name === basename(layout.python)) {
      return "one of the environment's interpreter links";
    }
    if (ACTIVATION_NAMES.has(name.toLowerCase()))
      return "one of the environment's activation scripts";
  }
  if (target === join(layout.prefix, "pyvenv.cfg")) return "the environment's configuration";
  if (target === environmentLockPath(layout)) return "Puffin's environment lock";
  return undefined;
}

/**
 * Throws `protected-path` when installing `what` (a wheel's file or entry point, described for
 * the message) would write the protected `target`.
 */
export function checkNotProtected(
  layout: InstallLayout,
  target: string,
  what: { readonly wheel: string; readonly item: string },
): void {
  const reason = protectedPathReason(layout, target);
  if (reason === undefined) return;
  throw new PuffinError(
    "protected-path",
    `${what.wheel}: its ${what.item} would overwrite ${target}, ${reason}`,
    { hint: "Puffin refuses wheels that would break the environment they are installed into" },
  );
}
