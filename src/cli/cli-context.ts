import { describeSystemError, isTruthy, log, PuffinError, setLogSink } from "../support/index.ts";
import type { CacheOptions } from "./cache-options.ts";
import { type ColorChoice, useColor } from "./color.ts";
import { ExitStatus, ExitWith } from "./exit-status.ts";
import { Printer, type Streams, type Verbosity } from "./printer.ts";
import { PUFFIN_VERSION } from "./version.ts";

/**
 * What both ways of running a command line share (commander's program and the fast path of
 * `run-cli.ts`): the invocation's inputs, its global options, the printer they select, the log
 * sink and how a failure becomes an exit status. No commander here, so the fast path stays free
 * of it.
 */

/** The process-level inputs of one CLI invocation, injected so tests run it in-process. */
export interface CliContext {
  env: NodeJS.ProcessEnv;
  streams: Streams & { stderr: { isTTY?: boolean } };
  /** The directory relative paths are taken from; the process's own when absent. */
  cwd?: string;
  /**
   * Stdin's bytes as they come (`pip compile -`, read with a bound on their size); the
   * process's own stdin when absent.
   */
  stdin?: () => AsyncIterable<Uint8Array | string>;
}

/** The global options as commander's `program.opts()` holds them (see `GLOBAL_OPTIONS`). */
export interface GlobalOptions extends CacheOptions {
  quiet?: boolean;
  verbose: number;
  color: ColorChoice;
  /** `--no-progress` sets it to false. */
  progress?: boolean;
}

export function printerFor(options: Partial<GlobalOptions>, context: CliContext): Printer {
  const verbosity: Verbosity = options.quiet
    ? -1
    : (Math.min(options.verbose ?? 0, 2) as 0 | 1 | 2);
  const color = () => useColor(options.color ?? "auto", context.env, context.streams.stderr);
  // Live progress on a terminal only, and never with -q, --no-progress or PUFFIN_NO_PROGRESS.
  const live = () =>
    verbosity >= 0 &&
    options.progress !== false &&
    !isTruthy(context.env["PUFFIN_NO_PROGRESS"]) &&
    context.streams.stderr.isTTY === true;
  return new Printer(context.streams, verbosity, color, live);
}

/** Sends `support/log` to the printer for the run of a command (until `stopLogging`). */
export function startLogging(printer: Printer): void {
  setLogSink((level, message) => printer.log(level, message), {
    debug: printer.verbosity >= 1,
    trace: printer.verbosity >= 2,
  });
  log.debug(`puffin ${PUFFIN_VERSION}`);
}

export function stopLogging(): void {
  setLogSink(undefined, { debug: false, trace: false });
}

/**
 * The exit status of a command that threw: a command that already reported its failure
 * (`ExitWith`) exits as it asked; anything else is printed (one `error:` line with its causes,
 * never a stack trace), and exits 1 when it is a `PuffinError` (a failure Puffin understands) or
 * one of the machine's faults that no boundary wrapped (a full disk, a read-only file system, a
 * denied permission: `describeSystemError`), 2 otherwise.
 */
export function failureStatus(error: unknown, printer: Printer): number {
  if (error instanceof ExitWith) return error.status;
  const understood = error instanceof PuffinError ? error : describeSystemError(error);
  printer.error(understood ?? error);
  return understood !== undefined ? ExitStatus.Failure : ExitStatus.Error;
}
