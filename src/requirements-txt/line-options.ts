import type { PuffinError } from "../support/index.ts";
import { redactCredentials } from "../support/index.ts";
import { lineError, type SourceLocation } from "./error.ts";
import {
  applySelectionOption,
  type FormatControl,
  type ReleaseControl,
  type SelectionOption,
} from "./package-selection.ts";

/**
 * The options a requirements-file line may carry, read with the rules of Python's `optparse` as
 * pip configures it: `--name=value` or `--name value`, `-xvalue` or `-x value`, a value may
 * start with `-`, and a long option may be abbreviated to any unambiguous prefix.
 * https://pip.pypa.io/en/stable/reference/requirements-file-format/#supported-options
 */

/** Per-requirement build settings (`--config-settings KEY=VALUE`); a repeated key collects a list. */
export type ConfigSettings = Map<string, string | string[]>;

/** The settings that apply to the whole installation (pip's global options), per line or per file. */
export interface GlobalSettings {
  indexUrl: string | undefined;
  readonly extraIndexUrls: string[];
  readonly findLinks: string[];
  noIndex: boolean;
  pre: boolean;
  preferBinary: boolean;
  requireHashes: boolean;
  readonly trustedHosts: string[];
  /** `--use-feature` names (pip's features; recorded, none changes what Puffin does). */
  readonly features: string[];
  /** `--no-binary` / `--only-binary`, applied in order to an empty state. */
  readonly formatControl: FormatControl;
  /** `--all-releases` / `--only-final`. */
  readonly releaseControl: ReleaseControl;
}

/** Global settings with nothing set. */
export function emptyGlobalSettings(): GlobalSettings {
  return {
    indexUrl: undefined,
    extraIndexUrls: [],
    findLinks: [],
    noIndex: false,
    pre: false,
    preferBinary: false,
    requireHashes: false,
    trustedHosts: [],
    features: [],
    formatControl: { noBinary: [], onlyBinary: [] },
    releaseControl: { allReleases: [], onlyFinal: [] },
  };
}

/** Option values found on one logical line. Lists keep their order of appearance. */
export interface LineOptions extends GlobalSettings {
  /** The options present, by canonical long name, in order (repeats included). */
  readonly given: string[];
  readonly requirements: string[];
  readonly constraints: string[];
  readonly editables: string[];
  /** `--no-binary`, `--only-binary`, `--all-releases`, `--only-final` values in order, to replay. */
  readonly selections: { readonly option: SelectionOption; readonly value: string }[];
  /** `--hash` values as `algorithm:digest`. */
  readonly hashes: string[];
  readonly configSettings: ConfigSettings;
}

/** Which lines an option belongs on. */
export type OptionScope = "include" | "editable" | "global" | "requirement";

type OptionSpec = {
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly short?: string;
  readonly scope: OptionScope;
} & (
  | { readonly kind: "flag"; readonly set: (options: LineOptions) => void }
  | {
      readonly kind: "value";
      /** Stores the value, or returns what is wrong with it. */
      readonly apply: (options: LineOptions, value: string) => string | undefined;
    }
);

/** Hash algorithms pip accepts in `--hash` (`hashes.STRONG_HASHES`). */
export const HASH_ALGORITHMS = ["sha256", "sha384", "sha512"] as const;

/** The `--use-feature` names pip 26 accepts. Puffin records them and needs none of them. */
const FEATURES = [
  "fast-deps",
  "inprocess-build-deps",
  "venv-isolation",
  "truststore",
  "no-binary-enable-wheel-cache",
  "build-constraint",
];

function push(list: (options: LineOptions) => string[]) {
  return (options: LineOptions, value: string) => {
    list(options).push(value);
    return undefined;
  };
}

function selection(option: SelectionOption) {
  return (options: LineOptions, value: string) => {
    if (value.startsWith("-")) return `\`${option}\` needs a value, found \`${value}\``;
    options.selections.push({ option, value });
    try {
      applySelectionOption(option, value, options.formatControl, options.releaseControl);
    } catch (error) {
      return `Invalid package name in \`${option} ${value}\`: ${(error as PuffinError).message}`;
    }
    return undefined;
  };
}

/** A flag's effect: switches one boolean setting on. */
function enable(field: "noIndex" | "pre" | "preferBinary" | "requireHashes") {
  return (options: LineOptions): void => {
    options[field] = true;
  };
}

const OPTIONS: readonly OptionSpec[] = [
  {
    name: "--requirement",
    short: "-r",
    scope: "include",
    kind: "value",
    apply: push((o) => o.requirements),
  },
  {
    name: "--constraint",
    short: "-c",
    scope: "include",
    kind: "value",
    apply: push((o) => o.constraints),
  },
  {
    name: "--editable",
    short: "-e",
    scope: "editable",
    kind: "value",
    apply: push((o) => o.editables),
  },
  {
    name: "--index-url",
    aliases: ["--pypi-url"],
    short: "-i",
    scope: "global",
    kind: "value",
    apply: (options, value) => {
      options.indexUrl = value;
      return undefined;
    },
  },
  {
    name: "--extra-index-url",
    scope: "global",
    kind: "value",
    apply: push((o) => o.extraIndexUrls),
  },
  {
    name: "--find-links",
    short: "-f",
    scope: "global",
    kind: "value",
    apply: push((o) => o.findLinks),
  },
  { name: "--no-index", scope: "global", kind: "flag", set: enable("noIndex") },
  { name: "--pre", scope: "global", kind: "flag", set: enable("pre") },
  { name: "--prefer-binary", scope: "global", kind: "flag", set: enable("preferBinary") },
  { name: "--require-hashes", scope: "global", kind: "flag", set: enable("requireHashes") },
  { name: "--no-binary", scope: "global", kind: "value", apply: selection("--no-binary") },
  { name: "--only-binary", scope: "global", kind: "value", apply: selection("--only-binary") },
  { name: "--all-releases", scope: "global", kind: "value", apply: selection("--all-releases") },
  { name: "--only-final", scope: "global", kind: "value", apply: selection("--only-final") },
  { name: "--trusted-host", scope: "global", kind: "value", apply: push((o) => o.trustedHosts) },
  {
    name: "--use-feature",
    scope: "global",
    kind: "value",
    apply: (options, value) => {
      if (!FEATURES.includes(value)) {
        return `Unknown \`--use-feature\` value \`${value}\` (choose from ${FEATURES.map((f) => `\`${f}\``).join(", ")})`;
      }
      if (!options.features.includes(value)) options.features.push(value);
      return undefined;
    },
  },
  {
    name: "--hash",
    scope: "requirement",
    kind: "value",
    apply: (options, value) => {
      const colon = value.indexOf(":");
      if (colon === -1) {
        return `\`--hash\` needs a hash name and a value, like \`--hash=sha256:abcde…\`, found \`${value}\``;
      }
      const algorithm = value.slice(0, colon);
      if (!(HASH_ALGORITHMS as readonly string[]).includes(algorithm)) {
        return `Unsupported hash algorithm \`${algorithm}\` in \`--hash=${value}\` (allowed: ${HASH_ALGORITHMS.join(", ")})`;
      }
      options.hashes.push(value);
      return undefined;
    },
  },
  {
    name: "--config-settings",
    short: "-C",
    scope: "editable",
    kind: "value",
    apply: (options, value) => {
      const equals = value.indexOf("=");
      if (equals === -1) {
        return `\`--config-settings\` needs \`KEY=VALUE\`, found \`${value}\``;
      }
      const key = value.slice(0, equals);
      const setting = value.slice(equals + 1);
      const previous = options.configSettings.get(key);
      if (previous === undefined) options.configSettings.set(key, setting);
      else if (Array.isArray(previous)) previous.push(setting);
      else options.configSettings.set(key, [previous, setting]);
      return undefined;
    },
  },
];

const BY_SHORT = new Map(OPTIONS.filter((o) => o.short).map((o) => [o.short!, o]));
const LONG_NAMES = new Map<string, OptionSpec>(
  OPTIONS.flatMap((o) => [o.name, ...(o.aliases ?? [])].map((name) => [name, o] as const)),
);

/** The scope of an option by canonical name (`--hash` → `requirement`). */
export function optionScope(name: string): OptionScope {
  return LONG_NAMES.get(name)!.scope;
}

/** Empty option values. */
export function emptyLineOptions(): LineOptions {
  return {
    ...emptyGlobalSettings(),
    given: [],
    requirements: [],
    constraints: [],
    editables: [],
    selections: [],
    hashes: [],
    configSettings: new Map(),
  };
}

/**
 * Reads `words` (the shell-split options part of a line). Words that are not options are an
 * error: pip ignores them silently (`-r a.txt b.txt` drops `b.txt`), which hides mistakes.
 */
export function parseLineOptions(words: readonly string[], location: SourceLocation): LineOptions {
  const options = emptyLineOptions();
  const fail = (what: string, hint?: string): never => {
    throw lineError("requirements-file-option", what, location, { hint });
  };
  let i = 0;
  const takeValue = (spelling: string): string => {
    if (i >= words.length) fail(`\`${spelling}\` needs a value`);
    return words[i++]!;
  };
  const use = (spec: OptionSpec, spelling: string, value: string | undefined) => {
    options.given.push(spec.name);
    if (spec.kind === "flag") {
      if (value !== undefined) fail(`\`${spelling}\` does not take a value`);
      spec.set(options);
      return;
    }
    const problem = spec.apply(options, value ?? takeValue(spelling));
    if (problem !== undefined) fail(problem);
  };

  while (i < words.length) {
    const word = words[i++]!;
    if (word.startsWith("--") && word !== "--") {
      const equals = word.indexOf("=");
      const spelling = equals === -1 ? word : word.slice(0, equals);
      use(
        matchLongOption(spelling, fail),
        spelling,
        equals === -1 ? undefined : word.slice(equals + 1),
      );
    } else if (word.startsWith("-") && word.length > 1) {
      // Every short option takes a value: `-rfile` or `-r file`.
      const spelling = word.slice(0, 2);
      const spec = BY_SHORT.get(spelling);
      if (spec === undefined) fail(`Unknown option \`${spelling}\``, SUPPORTED_HINT);
      use(spec!, spelling, word.length > 2 ? word.slice(2) : undefined);
    } else {
      fail(
        `Unexpected argument \`${redactCredentials(word)}\``,
        "Each line holds one requirement or options; a value with spaces needs quotes",
      );
    }
  }
  return options;
}

const SUPPORTED_HINT = `Supported options: ${OPTIONS.map((o) => (o.short ? `${o.short}/${o.name}` : o.name)).join(", ")}`;

/** An exact long option, or the only one it is a prefix of (optparse's abbreviations). */
function matchLongOption(
  spelling: string,
  fail: (what: string, hint?: string) => never,
): OptionSpec {
  const exact = LONG_NAMES.get(spelling);
  if (exact !== undefined) return exact;
  const candidates = [...LONG_NAMES.keys()].filter((name) => name.startsWith(spelling));
  const specs = new Set(candidates.map((name) => LONG_NAMES.get(name)!));
  if (specs.size === 1) return [...specs][0]!;
  if (specs.size > 1) {
    return fail(
      `Ambiguous option \`${spelling}\` (could be ${candidates.map((c) => `\`${c}\``).join(", ")})`,
    );
  }
  return fail(`Unknown option \`${spelling}\``, SUPPORTED_HINT);
}
