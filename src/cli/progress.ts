import type { Dist } from "../distribution-types/index.ts";
import type { OperationReporter } from "../operations/index.ts";
import { formatSize } from "../support/index.ts";
import { formatElapsed } from "./elapsed.ts";
import { packages } from "./install-summary.ts";
import type { Printer } from "./printer.ts";

/**
 * The CLI's `OperationReporter`, in two forms:
 *
 * - always, the summary lines uv prints as each step ends (`Resolved N packages in T`,
 *   `Prepared N packages in T`) and a `Built X in T` line per build; `steps: false` prints
 *   none of them (`venv --seed` shows only its ` + ` lines);
 * - on a terminal (`printer.live`), a live area below them while the work runs: a spinner while
 *   resolving, `Preparing packages... (n/N)` with a byte bar for each download of a large file
 *   and a line for each build in progress. It is redrawn at most every `FRAME_MS` and cleared
 *   when the step ends (`finish()`, which the command calls whatever happens).
 */
export interface ProgressReporter extends OperationReporter {
  /** Clears the live area and stops its timer. */
  finish(): void;
}

/** Downloads at least this large get their own byte bar. */
const BAR_MIN_BYTES = 1024 * 1024;
const FRAME_MS = 80;
const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const BAR_WIDTH = 30;
/** Bars shown at once (the rest are counted in the header). */
const MAX_BARS = 5;

interface Download {
  readonly label: string;
  readonly size: number | undefined;
  bytes: number;
}

export function progressReporter(
  printer: Printer,
  options: { readonly steps: boolean },
): ProgressReporter {
  const live = printer.live ? new LiveArea(printer) : undefined;
  const steps = options.steps;
  return {
    onResolveStart: () => live?.resolving(),
    onResolved: (count, elapsedMs) => {
      live?.idle();
      if (steps) printer.info(`Resolved ${packages(count)} in ${formatElapsed(elapsedMs)}`);
    },
    onPlan: (plan) => live?.preparing(plan.remote.length),
    onDownloadStart: (dist, size) => live?.downloadStart(dist, size),
    onDownloadProgress: (dist, bytes) => live?.downloadProgress(dist, bytes),
    onDownloadEnd: (dist) => live?.downloadEnd(dist),
    onBuildStart: (dist) => live?.buildStart(dist),
    onBuildEnd: (dist, elapsedMs) => {
      live?.buildEnd(dist);
      if (steps) printer.info(`Built ${label(dist)} in ${formatElapsed(elapsedMs)}`);
    },
    onPrepared: () => live?.prepared(),
    onPrepareEnd: (count, elapsedMs) => {
      live?.idle();
      if (steps) printer.info(`Prepared ${packages(count)} in ${formatElapsed(elapsedMs)}`);
    },
    finish: () => live?.idle(),
  };
}

function label(dist: Dist): string {
  return "filename" in dist ? `${dist.name}==${dist.filename.version}` : dist.name;
}

/** The live area's state and its drawing. */
class LiveArea {
  readonly #printer: Printer;
  #phase: "idle" | "resolving" | "preparing" = "idle";
  #frame = 0;
  #timer: NodeJS.Timeout | undefined;
  #total = 0;
  #done = 0;
  readonly #downloads = new Map<string, Download>();
  readonly #builds = new Set<string>();

  constructor(printer: Printer) {
    this.#printer = printer;
  }

  resolving(): void {
    this.#phase = "resolving";
    this.#start();
  }

  preparing(total: number): void {
    if (total === 0) return;
    this.#phase = "preparing";
    this.#total = total;
    this.#done = 0;
    this.#start();
  }

  prepared(): void {
    this.#done++;
    this.#draw();
  }

  downloadStart(dist: Dist, size: number | undefined): void {
    this.#downloads.set(dist.name, { label: label(dist), size, bytes: 0 });
    this.#draw();
  }

  /** Counted; drawn by the timer (chunks arrive far more often than frames). */
  downloadProgress(dist: Dist, bytes: number): void {
    const download = this.#downloads.get(dist.name);
    if (download !== undefined) download.bytes += bytes;
  }

  downloadEnd(dist: Dist): void {
    this.#downloads.delete(dist.name);
    this.#draw();
  }

  buildStart(dist: Dist): void {
    this.#builds.add(label(dist));
    this.#draw();
  }

  buildEnd(dist: Dist): void {
    this.#builds.delete(label(dist));
    this.#draw();
  }

  /** Stops drawing and clears the area. */
  idle(): void {
    this.#phase = "idle";
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#printer.setLive([]);
  }

  #start(): void {
    this.#draw();
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.#draw(), FRAME_MS);
    // The timer never keeps the process alive: a command that ends ends.
    this.#timer.unref();
  }

  #draw(): void {
    if (this.#phase === "idle") return;
    const { cyan, dim } = this.#printer.colors;
    const spinner = cyan(SPINNER[Math.floor(this.#frame++ / 2) % SPINNER.length]!);
    if (this.#phase === "resolving") {
      this.#printer.setLive([`${spinner} Resolving dependencies...`]);
      return;
    }
    const lines = [`${spinner} Preparing packages... (${this.#done}/${this.#total})`];
    for (const name of this.#builds) lines.push(`  ${dim("Building")} ${name}`);
    const large = [...this.#downloads.values()].filter((d) => (d.size ?? d.bytes) >= BAR_MIN_BYTES);
    for (const download of large.slice(0, MAX_BARS))
      lines.push(`  ${bar(download, this.#printer)}`);
    this.#printer.setLive(lines);
  }
}

/** `torch ━━━━━━━━━━━━──────────────── 120.5 MiB/555.3 MiB` */
function bar(download: Download, printer: Printer): string {
  const { green, dim } = printer.colors;
  const { size, bytes } = download;
  if (size === undefined || size === 0) return `${download.label} ${formatSize(bytes)}`;
  const filled = Math.min(BAR_WIDTH, Math.round((bytes / size) * BAR_WIDTH));
  return `${download.label} ${green("━".repeat(filled))}${dim("─".repeat(BAR_WIDTH - filled))} ${formatSize(bytes)}/${formatSize(size)}`;
}
