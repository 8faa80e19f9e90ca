import type { Cache } from "../cache/index.ts";
import {
  findBaseInterpreter,
  findEnvironmentInterpreter,
  type Interpreter,
} from "../interpreter/index.ts";
import { PuffinError } from "../support/index.ts";
import type { Invocation, PythonSettings } from "./settings.ts";

/**
 * The interpreter of the environment a command changes or reads: `--python`, else
 * `VIRTUAL_ENV`, `CONDA_PREFIX`, then a `.venv` in the working directory or above.
 */
export function environmentInterpreter(
  python: PythonSettings,
  invocation: Invocation,
  cache: Cache,
): Promise<Interpreter> {
  return findEnvironmentInterpreter({
    python: python.python,
    env: invocation.env,
    cwd: invocation.cwd,
    cache,
    probeTimeoutMs: python.probeTimeoutMs,
  });
}

/**
 * The interpreter `pip compile` resolves for, as uv finds it: `--python`, else a virtual
 * environment, else any Python on `PATH`.
 */
export async function targetInterpreter(
  python: PythonSettings,
  invocation: Invocation,
  cache: Cache,
): Promise<Interpreter> {
  const options = {
    python: python.python,
    env: invocation.env,
    cwd: invocation.cwd,
    cache,
    probeTimeoutMs: python.probeTimeoutMs,
  };
  if (python.python !== undefined) return findBaseInterpreter(options);
  try {
    return await findEnvironmentInterpreter(options);
  } catch (error) {
    if (error instanceof PuffinError && error.code === "no-environment") {
      return findBaseInterpreter(options);
    }
    throw error;
  }
}
