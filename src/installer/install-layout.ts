import { join } from "node:path";
import type { Interpreter, SchemePaths } from "../interpreter/index.ts";

/** Where a wheel's parts go in one environment, and the Python its scripts run with. */
export interface InstallLayout {
  /** `sys.prefix`: the environment's root; uninstalling never touches anything outside it. */
  readonly prefix: string;
  /** purelib, platlib, scripts, data (and include, unused: see `headers`). */
  readonly scheme: SchemePaths;
  /**
   * The directory that receives `<dist>.data/headers/` under a per-project subdirectory. In a
   * virtual environment `<prefix>/include/site/pythonX.Y`, as pip and uv use (the interpreter's
   * own include directory is outside the environment).
   */
  readonly headers: string;
  /** The interpreter written into script shebangs (`<venv>/bin/python`). */
  readonly python: string;
}

/** The layout of the environment an interpreter runs in. */
export function layoutFor(interpreter: Interpreter): InstallLayout {
  const { info } = interpreter;
  const [major, minor] = interpreter.pythonMinor;
  return {
    prefix: info.prefix,
    scheme: info.scheme,
    headers: interpreter.isVirtualenv
      ? join(info.prefix, "include", "site", `python${major}.${minor}`)
      : info.scheme.include,
    python: info.executable,
  };
}

/** The lock file held while an environment is changed (`<prefix>/.lock`, as uv uses). */
export function environmentLockPath(layout: InstallLayout): string {
  return join(layout.prefix, ".lock");
}
