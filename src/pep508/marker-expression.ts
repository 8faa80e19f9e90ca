import { VersionSpecifier } from "../pep440/index.ts";
import type { MarkerEnvironment } from "./marker-environment.ts";

/**
 * The names a marker can test. The legacy spellings packaging still reads (`os.name`,
 * `sys.platform`, `platform.version`, `platform.machine`, `platform.python_implementation` from
 * PEP 345 and setuptools' `python_implementation`) are accepted by the parser and stored under
 * these names, as uv does, so `toString()` prints the PEP 508 spelling (as packaging does).
 * `extras` and `dependency_groups` are the set-valued names of PEP 751 lock files.
 */
export type MarkerVariable = keyof MarkerEnvironment | "extra" | "extras" | "dependency_groups";

export type MarkerOperator = "==" | "!=" | "<" | "<=" | ">" | ">=" | "~=" | "===" | "in" | "not in";

export type MarkerOperand =
  | { readonly kind: "variable"; readonly name: MarkerVariable }
  | { readonly kind: "string"; readonly value: string };

/**
 * One comparison. Either side may be the variable (`'3.8' < python_version` is allowed); two
 * strings or two variables parse (packaging accepts them) but never hold.
 *
 * The value compared with `extra` is stored PEP 685-normalized (`extra == 'Foo_Bar'` holds
 * `foo-bar`), as packaging does.
 */
export interface MarkerExpression {
  readonly kind: "expression";
  readonly left: MarkerOperand;
  readonly operator: MarkerOperator;
  readonly right: MarkerOperand;
  /**
   * For `python_version >= '3.8'`-like expressions (a version-valued variable on the left, a
   * string on the right that makes a valid PEP 440 specifier with the operator): that
   * specifier. The environment's value must then parse as a version and lie in it.
   */
  readonly specifier: VersionSpecifier | undefined;
}

/**
 * `and`/`or` over two or more children. `parenthesized` records that the group was written in
 * parentheses, so that `toString()` keeps the grouping as written, as packaging's `str(Marker)`
 * does (`(a and b) and c` stays so); it has no effect on meaning.
 */
export interface MarkerCombination {
  readonly kind: "and" | "or";
  readonly children: readonly MarkerNode[];
  readonly parenthesized: boolean;
}

export type MarkerNode = MarkerExpression | MarkerCombination;

/**
 * The variables whose values are versions: compared with PEP 440 rules when both sides are
 * versions, as strings otherwise. `platform_version` is not one (packaging agrees).
 */
export const VERSION_VARIABLES: ReadonlySet<MarkerVariable> = new Set<MarkerVariable>([
  "python_version",
  "python_full_version",
  "implementation_version",
  "platform_release",
]);

/**
 * Whether `value`, trimmed, is what packaging's specifier grammar takes after `===` (one word
 * without `;` or `)`): a marker `platform_release === value` is then an arbitrary equality.
 */
export function isArbitrarySpec(value: string): boolean {
  return /^[^\s;)]*$/.test(value.trim());
}

/** `operator + value` as a PEP 440 specifier, when it is one. */
export function trySpecifier(
  operator: MarkerOperator,
  value: string,
): VersionSpecifier | undefined {
  if (operator === "in" || operator === "not in") return undefined;
  try {
    return VersionSpecifier.parse(`${operator}${value}`);
  } catch {
    return undefined; // not a version: the comparison falls back to strings
  }
}
