import type { GlobalOptions } from "./cli-context.ts";
import type { VenvOptions } from "./commands/venv-run.ts";
import {
  GLOBAL_OPTIONS,
  initialOptionValues,
  isNegation,
  type OptionSpec,
  type OptionValue,
  optionKey,
  VENV_OPTIONS,
  VENV_PATH,
  VERSION_OPTION,
} from "./option-specs.ts";

/**
 * The commander-free reading of the two command lines whose speed is measured against Python's
 * own startup: `puffin --version` and a plain `puffin venv …`. Node's startup is most of their
 * time already, and loading commander (and building the program) would add a fifth to it.
 */
export type FastInvocation =
  | { readonly kind: "version" }
  | {
      readonly kind: "venv";
      /** As commander's `program.opts()` would hold them. */
      readonly globals: GlobalOptions;
      readonly path: string;
      /** As commander's `venv` command's `opts()` would hold them. */
      readonly options: VenvOptions;
    };

/**
 * Reads `args` when it is a lone `--version`/`-V`, or `[global options] venv [PATH] [venv
 * options]` with only the options of `option-specs.ts`, each spelled `--name VALUE`,
 * `--name=VALUE`, `-x VALUE` or as a lone flag, the global options before `venv` and the
 * command's own after it. Returns `undefined` for everything else, which commander then parses
 * (help, `--seed`, index options, combined short flags, `--`, several operands) or rejects (an
 * unknown option, a missing value, a `--color` outside its choices), so that every error and
 * exit status stays commander's. A value that starts with `-` is left to commander too: it
 * would read a global option there as that option, wherever it appears.
 */
export function parseFastPath(args: readonly string[]): FastInvocation | undefined {
  if (args.length === 1 && matches(VERSION_OPTION, args[0]!)) return { kind: "version" };
  const globals = initialOptionValues(GLOBAL_OPTIONS);
  const options = initialOptionValues(VENV_OPTIONS);
  let inVenv = false;
  let path: string | undefined;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === "-" || !arg.startsWith("-")) {
      if (!inVenv) {
        if (arg !== "venv") return undefined;
        inVenv = true;
      } else {
        if (path !== undefined) return undefined;
        path = arg;
      }
      continue;
    }
    const [specs, values] = inVenv ? [VENV_OPTIONS, options] : [GLOBAL_OPTIONS, globals];
    const equals = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = equals === -1 ? arg : arg.slice(0, equals);
    const spec = specs.find((candidate) => matches(candidate, flag));
    if (spec === undefined) return undefined;
    const value =
      spec.value === undefined ? undefined : equals === -1 ? args[++index] : arg.slice(equals + 1);
    const parsed = optionValue(spec, values[optionKey(spec)], value, equals !== -1);
    if (parsed === undefined) return undefined;
    values[optionKey(spec)] = parsed;
  }
  if (!inVenv) return undefined;
  return {
    kind: "venv",
    globals: globals as unknown as GlobalOptions,
    path: path ?? VENV_PATH.default,
    options: options as unknown as VenvOptions,
  };
}

function matches(spec: OptionSpec, flag: string): boolean {
  return flag === spec.long || flag === spec.short;
}

/** The option's new value, or `undefined` when this spelling is left to commander. */
function optionValue(
  spec: OptionSpec,
  previous: OptionValue | undefined,
  value: string | undefined,
  attached: boolean,
): OptionValue | undefined {
  if (spec.value === undefined) {
    if (attached) return undefined;
    if (spec.count) return (typeof previous === "number" ? previous : 0) + 1;
    return !isNegation(spec);
  }
  if (value === undefined || (value.length > 1 && value.startsWith("-"))) return undefined;
  if (spec.choices !== undefined && !spec.choices.includes(value)) return undefined;
  return value;
}
