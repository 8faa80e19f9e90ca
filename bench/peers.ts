// The tools Puffin is compared with: pip as installed, and the newest pip and virtualenv of the
// offline index, installed by the harness into a venv of its own.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { TimedCommand } from "./measure.ts";
import { type IndexUrls, pipIndexFlags } from "./offline-index.ts";

/** A pip to run: `python -m pip`, with no configuration or environment variables of the user. */
export interface Pip {
  readonly tool: string;
  readonly python: string;
}

export function pipCommand(pip: Pip, args: readonly string[]): TimedCommand {
  return {
    command: pip.python,
    args: ["-m", "pip", "--isolated", "--disable-pip-version-check", ...args],
  };
}

function pipVersion(python: string): string | undefined {
  const result = spawnSync(python, ["-m", "pip", "--version"], { encoding: "utf8" });
  return result.status === 0 ? result.stdout.split(" ")[1] : undefined;
}

/** The pip of `python` itself, or why there is none. */
export function installedPip(python: string): Pip | string {
  const version = pipVersion(python);
  return version === undefined ? `${python} has no pip` : { tool: `pip ${version}`, python };
}

/** The peers installed from the offline index into `venv`: the newest pip, and virtualenv. */
export interface IndexPeers {
  readonly pip: Pip | string;
  /** An interpreter that has virtualenv, if it could be installed. */
  readonly virtualenv: string | undefined;
  readonly virtualenvVersion?: string;
}

export function installIndexPeers(
  python: string,
  venv: string,
  urls: IndexUrls,
  installer: Pip,
): IndexPeers {
  const made = spawnSync(python, ["-m", "venv", "--without-pip", venv], { encoding: "utf8" });
  const venvPython = join(venv, "bin", "python");
  const install = (name: string) =>
    made.status === 0 &&
    spawnSync(
      installer.python,
      [
        ...pipCommand(installer, ["--python", venvPython, "install", "-q", name]).args,
        ...pipIndexFlags(urls),
      ],
      { encoding: "utf8" },
    ).status === 0;
  const version = install("pip") ? pipVersion(venvPython) : undefined;
  const virtualenv = install("virtualenv")
    ? spawnSync(venvPython, ["-m", "virtualenv", "--version"], { encoding: "utf8" })
    : undefined;
  return {
    pip:
      version === undefined
        ? "pip could not be installed from the offline index"
        : { tool: `pip ${version}`, python: venvPython },
    virtualenv: virtualenv?.status === 0 ? venvPython : undefined,
    ...(virtualenv?.status === 0 ? { virtualenvVersion: virtualenv.stdout.split(" ")[1] } : {}),
  };
}
