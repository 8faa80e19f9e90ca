import { join } from "node:path";
import { Interpreter, infoFromProbe } from "../../src/interpreter/index.ts";
import { fakeProbeAnswer, writeFakeExecutable } from "./fake-python.ts";

/**
 * A fake CPython installed under `prefix` (its `bin/python3.12` exists but never runs), for
 * venv tests that need an `Interpreter` without starting Python.
 */
export function fakeInterpreter(
  prefix: string,
  changes: Record<string, unknown> = {},
): Interpreter {
  const executable = join(prefix, "bin", "python3.12");
  writeFakeExecutable(executable);
  return new Interpreter(
    infoFromProbe({ ...fakeProbeAnswer({ executable, version: "3.12.4" }), ...changes }),
  );
}
