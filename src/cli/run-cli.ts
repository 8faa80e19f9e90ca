import type { CliContext } from "./cli-context.ts";
import { ExitStatus } from "./exit-status.ts";
import { parseFastPath } from "./fast-path.ts";
import { VERSION_TEXT } from "./option-specs.ts";

/**
 * Runs `puffin ARGS…` and resolves to the exit status. Never throws: every failure is printed
 * (`error: …`) and mapped to an exit status, 2 for a command line that cannot be understood.
 *
 * `puffin --version` and a plain `puffin venv …` (see `parseFastPath`) run without commander,
 * which this file never loads: Node's startup is already most of their time. Every other
 * command line goes to commander's program (`program.ts`, loaded here on demand), which gives
 * the same result for these two as well. Everything but the argument parser is imported on
 * demand, so `--version` loads nothing else (not even `support`, whose file lock and atomic
 * writes bring in `node:crypto`).
 */
export async function runCli(args: readonly string[], context: CliContext): Promise<number> {
  const fast = parseFastPath(args);
  if (fast === undefined) {
    const { runProgram } = await import("./program.ts");
    return runProgram(args, context);
  }
  if (fast.kind === "version") {
    context.streams.stdout.write(`${VERSION_TEXT}\n`);
    return ExitStatus.Success;
  }
  const { runFastVenv } = await import("./fast-venv.ts");
  return runFastVenv(fast, context);
}
