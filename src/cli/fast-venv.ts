import { cacheSettingsFrom } from "./cache-options.ts";
import {
  type CliContext,
  failureStatus,
  printerFor,
  startLogging,
  stopLogging,
} from "./cli-context.ts";
import { runVenv } from "./commands/venv-run.ts";
import { ExitStatus } from "./exit-status.ts";
import type { FastInvocation } from "./fast-path.ts";

/**
 * Runs a plain `puffin venv …` that `parseFastPath` read, without commander: what commander's
 * program does for the same command line (the `preAction` hook's logging, the `venv` action,
 * the error report and exit status), with the options the fast path parsed.
 */
export async function runFastVenv(
  invocation: Extract<FastInvocation, { kind: "venv" }>,
  context: CliContext,
): Promise<number> {
  const printer = printerFor(invocation.globals, context);
  const commandContext = {
    env: context.env,
    cwd: context.cwd ?? process.cwd(),
    printer: () => printer,
  };
  try {
    startLogging(printer);
    await runVenv(invocation.path, invocation.options, {
      context: commandContext,
      cache: cacheSettingsFrom(invocation.globals, commandContext),
      seed: undefined,
    });
    return ExitStatus.Success;
  } catch (error) {
    return failureStatus(error, printer);
  } finally {
    stopLogging();
  }
}
