import type { Command } from "commander";
import { COLOR_CHOICES } from "./color.ts";
import { PUFFIN_VERSION } from "./version.ts";

/**
 * The options of `puffin` itself and of `puffin venv`, each defined once. Commander registers
 * them from these specs (so `--help` is built from them), and the commander-free fast path
 * (`fast-path.ts`) parses the plain spellings of the same options from them. This file imports
 * commander only as a type, so the fast path never loads it.
 */
export interface OptionSpec {
  /** `-p`, when the option has a short form. */
  readonly short?: `-${string}`;
  /** `--python`. A `--no-x` option is a negation, as in commander: it sets `x` to false, and `x` defaults to true. */
  readonly long: `--${string}`;
  /** The name of the value (`PYTHON`, shown as `<PYTHON>`) for an option that takes one. */
  readonly value?: string;
  readonly description: string;
  /** The only values the option accepts. */
  readonly choices?: readonly string[];
  readonly default?: string;
  /** Counted: each occurrence adds one to a value that starts at 0 (`-v -v`). */
  readonly count?: boolean;
}

/** An option's parsed value, as commander stores it. */
export type OptionValue = string | number | boolean;

export const VERSION_OPTION: OptionSpec = {
  short: "-V",
  long: "--version",
  description: "Print version",
};

/** What `--version` prints (then a newline). */
export const VERSION_TEXT = `puffin ${PUFFIN_VERSION}`;

/** The global options, in the order `puffin --help` lists them (after `--version`). */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [
  { short: "-q", long: "--quiet", description: "Do not print any output" },
  {
    short: "-v",
    long: "--verbose",
    description: "Use verbose output (repeat for more: -vv)",
    count: true,
  },
  {
    long: "--color",
    value: "WHEN",
    description: "Control colors in output",
    choices: COLOR_CHOICES,
    default: "auto",
  },
  {
    long: "--no-progress",
    description:
      "Hide progress outputs (spinners and bars; summary lines remain) [env: PUFFIN_NO_PROGRESS=]",
  },
  {
    long: "--cache-dir",
    value: "CACHE_DIR",
    description: "Path to the cache directory [env: PUFFIN_CACHE_DIR=]",
  },
  {
    short: "-n",
    long: "--no-cache",
    description:
      "Avoid reading from or writing to the cache, instead using a temporary directory for the duration of the operation [env: PUFFIN_NO_CACHE=]",
  },
];

/** `puffin venv`'s argument. */
export const VENV_PATH = {
  name: "PATH",
  description: "The path of the virtual environment to create",
  default: ".venv",
} as const;

/** `puffin venv`'s own options, apart from `--seed` and the index options (the full program's). */
export const VENV_OPTIONS: readonly OptionSpec[] = [
  {
    short: "-p",
    long: "--python",
    value: "PYTHON",
    description:
      "The interpreter to use: a path, an executable name (python3.12) or a version (3.12, >=3.10)",
  },
  {
    long: "--prompt",
    value: "PROMPT",
    description:
      "The prompt shown while the environment is active ('.' for the current directory's name)",
  },
  {
    long: "--system-site-packages",
    description: "Give the environment access to the base interpreter's site-packages",
  },
  { long: "--clear", description: "Replace an existing virtual environment at PATH" },
];

/** Commander's flags string: `-p, --python <PYTHON>`. */
export function optionFlags(spec: OptionSpec): string {
  const names = spec.short === undefined ? spec.long : `${spec.short}, ${spec.long}`;
  return spec.value === undefined ? names : `${names} <${spec.value}>`;
}

/** Whether the option is a `--no-x` negation. */
export function isNegation(spec: OptionSpec): boolean {
  return spec.long.startsWith("--no-");
}

/** The key commander stores the value under: `--system-site-packages` → `systemSitePackages`, `--no-cache` → `cache`. */
export function optionKey(spec: OptionSpec): string {
  const name = spec.long.slice(2).replace(/^no-/, "");
  return name.replace(/-(.)/g, (_match, letter: string) => letter.toUpperCase());
}

/** The values an option contributes before the command line is read, as commander sets them. */
export function initialOptionValues(specs: readonly OptionSpec[]): Record<string, OptionValue> {
  const values: Record<string, OptionValue> = {};
  for (const spec of specs) {
    if (spec.count) values[optionKey(spec)] = 0;
    else if (spec.default !== undefined) values[optionKey(spec)] = spec.default;
    else if (isNegation(spec)) values[optionKey(spec)] = true;
  }
  return values;
}

/** Adds the options to a commander command, in order. */
export function registerOptions(command: Command, specs: readonly OptionSpec[]): Command {
  for (const spec of specs) {
    const option = command.createOption(optionFlags(spec), spec.description);
    if (spec.choices !== undefined) option.choices(spec.choices);
    if (spec.default !== undefined) option.default(spec.default);
    if (spec.count) option.default(0).argParser((_value: string, previous: number) => previous + 1);
    command.addOption(option);
  }
  return command;
}
