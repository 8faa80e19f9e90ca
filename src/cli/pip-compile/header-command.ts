import { redactCredentials } from "../../support/index.ts";

/**
 * The command line the output header shows (`#    puffin pip compile requirements.in -o …`):
 * the arguments as given, without the ones that do not change the result or must not be
 * recorded, as uv does — `-U/--upgrade`, `-P/--upgrade-package`, `-q`, `-v` always; index URLs
 * (they may hold credentials) unless `--emit-index-url`; find-links unless `--emit-find-links`.
 * `--custom-compile-command` replaces the whole line. Credentials in what is kept (an index URL
 * with `--emit-index-url`, a `pkg @ https://user:pass@…` argument) are masked.
 */
export interface HeaderCommandOptions {
  readonly emitIndexUrl: boolean;
  readonly emitFindLinks: boolean;
  readonly customCommand: string | undefined;
}

const INDEX_OPTIONS = ["--index-url", "--extra-index-url", "-i"];
const FIND_LINKS_OPTIONS = ["--find-links", "-f"];
const UPGRADE_PACKAGE_OPTIONS = ["--upgrade-package", "-P"];
const DROPPED_FLAGS = new Set(["--upgrade", "-U", "--quiet", "-q", "--verbose", "-v", "-vv"]);

export function headerCommand(args: readonly string[], options: HeaderCommandOptions): string {
  if (options.customCommand !== undefined) return options.customCommand;
  const valued = [...UPGRADE_PACKAGE_OPTIONS];
  if (!options.emitIndexUrl) valued.push(...INDEX_OPTIONS);
  if (!options.emitFindLinks) valued.push(...FIND_LINKS_OPTIONS);
  const kept: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (DROPPED_FLAGS.has(arg)) continue;
    if (valued.includes(arg)) {
      i++; // and its value
      continue;
    }
    if (valued.some((option) => attachedValue(arg, option))) continue;
    kept.push(redactCredentials(arg));
  }
  return ["puffin", ...kept].join(" ");
}

/** `--option=value`, or `-Xvalue` for a short option. */
function attachedValue(arg: string, option: string): boolean {
  if (option.startsWith("--")) return arg.startsWith(`${option}=`);
  return arg.startsWith(option) && arg.length > option.length;
}
