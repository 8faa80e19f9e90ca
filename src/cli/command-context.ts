import type { Printer } from "./printer.ts";

export { cacheSettings, openCache } from "./cache-options.ts";

/**
 * What every command needs from its invocation. This file is loaded at startup, so it imports
 * nothing but types: the commands load the services they use (`src/operations`) on demand, and
 * `puffin --version` never pays for the cache or the network stack.
 */
export interface CommandContext {
  env: NodeJS.ProcessEnv;
  /** The directory relative paths (`--cache-dir`, requirement files, `.venv`) are taken from. */
  cwd: string;
  /** The printer for this invocation's global options (`-q`, `-v`, `--color`). */
  printer: () => Printer;
}
