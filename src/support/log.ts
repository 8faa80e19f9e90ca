/**
 * Leveled diagnostics for every layer. Lower layers call `log.debug(...)` / `log.warn(...)`; only
 * the CLI decides where they go (`setLogSink`), so library users get silence by default.
 *
 * Contract: messages are single lines, carry no credentials, and are cheap to skip: pass a
 * function when building the message costs something (`log.debug(() => expensive())`).
 */
export type LogLevel = "debug" | "trace" | "warn";
export type LogSink = (level: LogLevel, message: string) => void;

let sink: LogSink | undefined;
let debugEnabled = false;
let traceEnabled = false;

/** Installs where messages go and which levels are on. Warnings are on whenever a sink is set. */
export function setLogSink(next: LogSink | undefined, levels: { debug: boolean; trace: boolean }) {
  sink = next;
  debugEnabled = next !== undefined && levels.debug;
  traceEnabled = next !== undefined && levels.trace;
}

type Message = string | (() => string);

function emit(level: LogLevel, message: Message) {
  sink?.(level, typeof message === "string" ? message : message());
}

export const log = {
  get debugEnabled(): boolean {
    return debugEnabled;
  },
  debug(message: Message): void {
    if (debugEnabled) emit("debug", message);
  },
  trace(message: Message): void {
    if (traceEnabled) emit("trace", message);
  },
  warn(message: Message): void {
    emit("warn", message);
  },
};
