import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** A Python installed with pyenv: its version (the directory name) and `bin/python`. */
export interface PyenvPython {
  version: string;
  minor: [number, number];
  executable: string;
}

/** The pyenv root (`PYENV_ROOT`, else `~/.pyenv`), when it exists. */
export function pyenvRoot(): string | undefined {
  const root = process.env["PYENV_ROOT"] || join(homedir(), ".pyenv");
  return existsSync(join(root, "versions")) ? root : undefined;
}

/**
 * Every CPython pyenv provides on this machine (`versions/X.Y.Z/bin/python`), oldest first.
 * Tests that need one skip with a message when the list is empty.
 */
export function pyenvPythons(): PyenvPython[] {
  const root = pyenvRoot();
  if (root === undefined) return [];
  const found: PyenvPython[] = [];
  for (const version of readdirSync(join(root, "versions"))) {
    const match = /^(\d+)\.(\d+)\.\d+$/.exec(version);
    const executable = join(root, "versions", version, "bin", "python");
    if (match === null || !existsSync(executable)) continue;
    found.push({ version, minor: [Number(match[1]), Number(match[2])], executable });
  }
  return found.sort((a, b) => a.minor[0] - b.minor[0] || a.minor[1] - b.minor[1]);
}

/** The newest pyenv CPython that Puffin supports (3.8 or later), or `undefined` when none is. */
export function newestPyenvPython(): PyenvPython | undefined {
  return pyenvPythons()
    .filter((p) => p.minor[0] === 3 && p.minor[1] >= 8)
    .at(-1);
}
