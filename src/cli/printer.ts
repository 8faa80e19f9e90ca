import { errorChain, type LogLevel, PuffinError, redactCredentials } from "../support/index.ts";
import { type Colors, createColors } from "./ansi-colors.ts";

/**
 * The only place that writes to the terminal. Data goes to stdout; messages, progress and errors
 * to stderr, in uv's shapes: `error: …`, `  Caused by: …`, `hint: …`, `warning: …`.
 *
 * Verbosity: -1 quiet (errors only), 0 default, 1 `-v` (debug), 2 `-vv` (trace).
 *
 * Every message is passed through `redactCredentials` on its way out, whatever its source (an
 * error of a dependency, a backend's output, a URL a layer forgot to redact): a `user:password@`
 * never reaches stderr. Data (stdout) is the command's result and is formatted by it.
 */
export type Verbosity = -1 | 0 | 1 | 2;

export interface Streams {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export class Printer {
  #colors: Colors | undefined;
  /** The live area's lines as drawn on the terminal (progress), below every message. */
  #live: readonly string[] = [];

  /**
   * `color` says whether to color, or how to decide it when first needed: deciding may open
   * stderr (is it a terminal?), which a run that prints nothing never does. `live` says whether
   * stderr takes live progress (a terminal, not `-q`, not `--no-progress`), decided when first
   * asked.
   */
  constructor(
    private readonly streams: Streams,
    readonly verbosity: Verbosity,
    private readonly color: boolean | (() => boolean),
    private readonly liveProgress: boolean | (() => boolean) = false,
  ) {}

  /** Whether live progress (spinners, bars) may be drawn on stderr. */
  get live(): boolean {
    return typeof this.liveProgress === "boolean" ? this.liveProgress : this.liveProgress();
  }

  /**
   * Replaces the live area (the lines below the messages) with `lines`; `[]` clears it. Messages
   * printed meanwhile appear above it. Only for a printer that is `live`.
   */
  setLive(lines: readonly string[]): void {
    const clear = this.#clearLive();
    this.#live = lines;
    this.streams.stderr.write(redactCredentials(clear + lines.map((line) => `${line}\n`).join("")));
  }

  get colors(): Colors {
    this.#colors ??= createColors(typeof this.color === "boolean" ? this.color : this.color());
    return this.#colors;
  }

  /** Command output (data): always printed, to stdout. */
  data(text: string): void {
    this.streams.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
  }

  /** A status line for people (`Resolved 3 packages in 12ms`): stderr, hidden by `-q`. */
  info(text: string): void {
    if (this.verbosity >= 0) this.#message(`${text}\n`);
  }

  /** Receives messages from `support/log`. */
  log(level: LogLevel, message: string): void {
    if (level === "warn") {
      if (this.verbosity >= 0) {
        this.#message(`${this.colors.bold(this.colors.yellow("warning"))}: ${message}\n`);
      }
    } else {
      this.#message(`${this.colors.dim(`${level.toUpperCase()} ${message}`)}\n`);
    }
  }

  /** Prints an error with its causes and hint. Errors are printed even with `-q`. */
  error(error: unknown): void {
    const { bold, red, cyan } = this.colors;
    const [first, ...causes] = errorChain(error);
    let text = `${bold(red("error"))}: ${first ?? "unknown error"}\n`;
    for (const cause of causes)
      text += `  ${bold(red("Caused by"))}: ${indentContinuation(cause)}\n`;
    const hint = findHint(error);
    if (hint !== undefined) text += `\n${bold(cyan("hint"))}: ${hint}\n`;
    this.#message(text);
  }

  /** Writes raw text (usage, help, a report) to stderr. */
  raw(text: string): void {
    this.#message(text);
  }

  #message(text: string): void {
    if (this.#live.length === 0) {
      this.streams.stderr.write(redactCredentials(text));
      return;
    }
    // Above the live area: clear it, write, draw it again.
    const redraw = this.#live.map((line) => `${line}\n`).join("");
    this.streams.stderr.write(redactCredentials(this.#clearLive() + text + redraw));
  }

  /** The escape sequence that erases the live area and leaves the cursor where it began. */
  #clearLive(): string {
    if (this.#live.length === 0) return "";
    // Up one line and erase it, once per drawn line (CSI 1 A, CSI 2 K), back to column 0.
    return `${"\x1b[1A\x1b[2K".repeat(this.#live.length)}\r`;
  }
}

/** Multi-line causes (a parse error with its `^^^` line) stay aligned under their label. */
function indentContinuation(message: string): string {
  return message.replaceAll("\n", "\n             ");
}

/** The first hint along the cause chain, outermost first. */
function findHint(error: unknown): string | undefined {
  for (let current = error; current instanceof Error; current = current.cause) {
    if (current instanceof PuffinError && current.hint !== undefined) return current.hint;
  }
  return undefined;
}
