import type { Command } from "commander";
import { PackageName } from "../../normalize/index.ts";
import type { Removal } from "../../support/index.ts";
import { type CommandContext, openCache } from "../command-context.ts";
import type { Printer } from "../printer.ts";

/**
 * `puffin cache dir | clean [PACKAGE…] | prune | size`, with uv's output: data (the path, the
 * size) on stdout, reports on stderr. The cache module is loaded inside the actions
 * (`await import`), so commands that never touch the cache, and `puffin --version`, never load it.
 */

export function registerCacheCommand(program: Command, context: CommandContext): void {
  const cache = program
    .command("cache")
    .description("Manage Puffin's cache")
    .usage("[OPTIONS] <COMMAND>");

  cache
    .command("dir")
    .description("Show the cache directory")
    .action(async (_options, command: Command) => {
      const opened = await openCache(command, context);
      context.printer().data(opened.root);
    });

  cache
    .command("clean")
    .description("Clear the cache, removing all entries or those linked to specific packages")
    .argument("[PACKAGE...]", "The packages to remove from the cache")
    .action(async (packages: string[], _options, command: Command) => {
      const names = packages.map((name) => PackageName.parse(name));
      const printer = context.printer();
      const opened = await openCache(command, context);
      const { cacheExists, clearCache, removePackages } = await import("../../cache/index.ts");
      if (!(await cacheExists(opened))) {
        printer.info(`No cache found at: ${printer.colors.cyan(opened.root)}`);
        return;
      }
      const onWait = () => printer.info(WAITING);
      let removal: Removal;
      if (names.length === 0) {
        printer.info(`Clearing cache at: ${printer.colors.cyan(opened.root)}`);
        removal = await clearCache(opened, { onWait });
      } else {
        removal = await removePackages(opened, names, { onWait });
      }
      printer.info(removalSummary(removal, "No cache entries found", printer));
    });

  cache
    .command("prune")
    .description("Prune all unreachable objects from the cache")
    .action(async (_options, command: Command) => {
      const printer = context.printer();
      const opened = await openCache(command, context);
      const { cacheExists, pruneCache } = await import("../../cache/index.ts");
      if (!(await cacheExists(opened))) {
        printer.info(`No cache found at: ${printer.colors.cyan(opened.root)}`);
        return;
      }
      printer.info(`Pruning cache at: ${printer.colors.cyan(opened.root)}`);
      const removal = await pruneCache(opened, { onWait: () => printer.info(WAITING) });
      printer.info(removalSummary(removal, "No unused entries found", printer));
    });

  cache
    .command("size")
    .description("Show the cache size")
    .option("-H, --human", "Display the cache size in human-readable format (e.g., `1.2GiB`)")
    .action(async (options: { human?: boolean }, command: Command) => {
      const opened = await openCache(command, context);
      const { cacheExists, cacheSize } = await import("../../cache/index.ts");
      const printer = context.printer();
      if (!(await cacheExists(opened))) {
        printer.data(options.human ? "0B" : "0");
        return;
      }
      const bytes = await cacheSize(opened);
      printer.data(options.human ? humanBytes(bytes) : String(bytes));
    });
}

const WAITING = "Cache is currently in use, waiting for other Puffin processes to finish";

/** `Removed 12 files (3.4MiB)`, `Removed 1 directory`, or `empty` when nothing went. */
function removalSummary(removal: Removal, empty: string, printer: Printer): string {
  let text: string;
  if (removal.files === 0 && removal.dirs === 0) return empty;
  if (removal.files === 0) {
    text = removal.dirs === 1 ? "Removed 1 directory" : `Removed ${removal.dirs} directories`;
  } else {
    text = removal.files === 1 ? "Removed 1 file" : `Removed ${removal.files} files`;
  }
  if (removal.bytes > 0) {
    const bytes = removal.bytes < 1024 ? `${removal.bytes}B` : humanBytes(removal.bytes);
    text += ` (${printer.colors.green(bytes)})`;
  }
  return text;
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"] as const;

/** uv's rendering: binary units, one decimal, no space (`0.0B`, `512.0B`, `1.2MiB`). */
export function humanBytes(bytes: number): string {
  const exponent = bytes <= 0 ? 0 : Math.min(Math.floor(Math.log2(bytes) / 10), UNITS.length - 1);
  return `${(bytes / 1024 ** exponent).toFixed(1)}${UNITS[exponent]}`;
}
