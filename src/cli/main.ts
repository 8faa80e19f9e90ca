import { restoreDeferredCaCerts } from "./deferred-ca-certs.ts";
import { runCli } from "./run-cli.ts";

// The bin (`dist/puffin.cjs`). Its launcher line may have moved NODE_EXTRA_CA_CERTS aside
// (scripts/build.mjs); the environment is the user's again before anything reads it.
restoreDeferredCaCerts(process.env);

// The streams whose errors are handled (`watched`); declared before the run, which may write
// synchronously (`--version`).
const watching = new WeakSet<NodeJS.WriteStream>();

// A failure that escaped every command (a bug: an error thrown from a callback, a promise nobody
// awaited) is still one `error:` line and status 2, never Node's stack trace.
process.on("uncaughtException", crashed);
process.on("unhandledRejection", crashed);

// The standard streams are opened only when something is written: creating one costs a
// millisecond or two, and `puffin -q venv` writes nothing.
runCli(process.argv.slice(2), {
  env: process.env,
  streams: {
    get stdout() {
      return watched(process.stdout, onStdoutError);
    },
    get stderr() {
      return watched(process.stderr, onStderrError);
    },
  },
}).then((status) => {
  process.exitCode = status;
});

/** `stream` with its error handler attached (once): a failed write must not become a crash. */
function watched(
  stream: NodeJS.WriteStream,
  onError: (error: NodeJS.ErrnoException) => void,
): NodeJS.WriteStream {
  if (!watching.has(stream)) {
    watching.add(stream);
    stream.on("error", onError);
  }
  return stream;
}

/**
 * Stdout failed. A closed pipe (`puffin pip freeze | head -1`: the reader has what it wanted
 * and left) ends the run at once and quietly with status 0, as the default SIGPIPE disposition
 * ends a C program, minus the signal status that `set -o pipefail` would count as a failure
 * (Node ignores SIGPIPE, so the write fails with EPIPE instead). Only read-only commands write to
 * stdout, and the exit handlers (locks, temporary caches) still run. Any other failure (a full
 * disk behind `> file`) is reported on stderr and exits 1.
 */
function onStdoutError(error: NodeJS.ErrnoException): void {
  if (error.code === "EPIPE") process.exit(0);
  watched(process.stderr, onStderrError).write(
    `error: Failed to write to stdout: ${error.message}\n`,
  );
  process.exit(1);
}

/**
 * Stderr failed (its reader left too, `2>&1 | head`): messages can no longer be shown, but the
 * command still finishes its work and exits with its own status; a half-done install is not
 * cut short for want of an audience.
 */
function onStderrError(): void {}

/** An unexpected error's message and causes, as `Printer.error` prints them (no colors). */
function crashed(error: unknown): void {
  let text = "";
  const seen = new Set<unknown>();
  for (let at: unknown = error; at !== undefined && at !== null && !seen.has(at); ) {
    seen.add(at);
    const message = at instanceof Error ? at.message : String(at);
    text += text === "" ? `error: ${message}\n` : `  Caused by: ${message}\n`;
    at = at instanceof Error ? at.cause : undefined;
  }
  watched(process.stderr, onStderrError).write(text);
  process.exit(2);
}
