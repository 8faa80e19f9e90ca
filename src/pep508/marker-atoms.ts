/**
 * A parsed marker as a decision diagram: each comparison becomes a node on its variable (see
 * `marker-diagram.ts`), and `and`/`or` combine them.
 */

import { Version, VersionRange, VersionSpecifier } from "../pep440/index.ts";
import {
  and,
  atomNode,
  FALSE,
  type NodeId,
  not,
  or,
  stringNode,
  TRUE,
  variable,
  versionNode,
} from "./marker-diagram.ts";
import {
  isArbitrarySpec,
  type MarkerExpression,
  type MarkerNode,
  type MarkerOperator,
  type MarkerVariable,
  trySpecifier,
  VERSION_VARIABLES,
} from "./marker-expression.ts";

/** Variables compared as plain strings with `==`/`!=`. */
const STRING_VARIABLES: ReadonlySet<MarkerVariable> = new Set<MarkerVariable>([
  "extra",
  "implementation_name",
  "os_name",
  "platform_machine",
  "platform_python_implementation",
  "platform_system",
  "platform_version",
  "sys_platform",
]);

const FLIPPED: Partial<Record<MarkerOperator, MarkerOperator>> = {
  "==": "==",
  "!=": "!=",
  "<": ">",
  "<=": ">=",
  ">": "<",
  ">=": "<=",
};

export const PYTHON = variable("python_full_version", "version");

const ANY_PYTHON = VersionRange.higherThan(Version.parse("0"));

export function nodeFromTree(node: MarkerNode): NodeId {
  if (node.kind === "expression") return nodeFromExpression(node);
  const op = node.kind === "and" ? and : or;
  let result = node.kind === "and" ? TRUE : FALSE;
  for (const child of node.children) result = op(result, nodeFromTree(child));
  return result;
}

function nodeFromExpression(expression: MarkerExpression): NodeId {
  const { left, right } = expression;
  let name: MarkerVariable;
  let operator: MarkerOperator | undefined = expression.operator;
  let value: string;
  if (left.kind === "variable" && right.kind === "string") {
    name = left.name;
    value = right.value;
  } else if (left.kind === "string" && right.kind === "variable") {
    name = right.name;
    value = left.value;
    operator = FLIPPED[operator];
  } else {
    return FALSE; // two strings or two variables never hold (see `MarkerTree.evaluate`)
  }
  if (neverHolds(name, expression.operator, value, left.kind === "string")) return FALSE;
  if (STRING_VARIABLES.has(name) && (operator === "<=" || operator === ">=")) operator = "==";
  if (operator !== undefined) {
    if (name === "python_version" || name === "python_full_version") {
      const range = pythonRange(name, operator, value);
      // No Python is older than 0 (pre-releases count as their release): `python_version <
      // '0'`, which is how `MarkerSet.FALSE` prints, is empty, and its opposite everything.
      if (range?.intersection(ANY_PYTHON).isEmpty()) return FALSE;
      if (range !== undefined && ANY_PYTHON.intersection(range.complement()).isEmpty()) return TRUE;
      if (range !== undefined) {
        return versionNode(PYTHON, [
          { range, child: TRUE },
          { range: range.complement(), child: FALSE },
        ]);
      }
    } else if (STRING_VARIABLES.has(name) && (operator === "==" || operator === "!=")) {
      const equal = operator === "==";
      return stringNode(
        variable(name, "string"),
        [{ value, child: equal ? TRUE : FALSE }],
        equal ? FALSE : TRUE,
      );
    }
  }
  const compatible = compatibleRange(expression);
  if (compatible !== undefined)
    return and(nodeFromExpression(compatible[0]), nodeFromExpression(compatible[1]));
  const positive = positiveAtom(expression);
  const atom = atomNode(variable(printExpression(positive), "atom", positive), TRUE, FALSE);
  return positive === expression ? atom : not(atom);
}

/**
 * Comparisons packaging compares as strings and that never hold then (see `MarkerTree.evaluate`):
 * `<`, `>`, `~=` and `===` on a string variable, or on a version variable with a value that
 * makes no specifier (`platform_release ~= '5'`, `platform_release === 'a b'`). As atoms they would seem to hold somewhere,
 * and their negation could not be printed. (`<=`/`>=` on strings are equality.)
 */
function neverHolds(
  name: MarkerVariable,
  operator: MarkerOperator,
  value: string,
  reversed: boolean,
): boolean {
  if (operator !== "<" && operator !== ">" && operator !== "~=" && operator !== "===") {
    return false;
  }
  if (STRING_VARIABLES.has(name)) return true;
  // Arbitrary equality on a version variable holds where the strings match (an atom), unless
  // the value cannot be a specifier; `'x' === platform_release` depends on the environment.
  if (operator === "===")
    return VERSION_VARIABLES.has(name) && !reversed && !isArbitrarySpec(value);
  return VERSION_VARIABLES.has(name) && !reversed && trySpecifier(operator, value) === undefined;
}

/**
 * `platform_release ~= '5.1'` as `platform_release >= '5.1'` and `platform_release < '6'`, so
 * that its negation can be printed (PEP 508 has no `not`, and `~=` no opposite operator).
 */
function compatibleRange(
  expression: MarkerExpression,
): [MarkerExpression, MarkerExpression] | undefined {
  const { left, operator, right } = expression;
  if (operator !== "~=" || left.kind !== "variable" || right.kind !== "string") return undefined;
  if (!VERSION_VARIABLES.has(left.name)) return undefined;
  const specifier = trySpecifier(operator, right.value);
  if (specifier === undefined) return undefined;
  const { epoch, release } = specifier.version;
  const prefix = [...release.slice(0, -2), release[release.length - 2]! + 1].join(".");
  const upper = `${epoch === 0 ? "" : `${epoch}!`}${prefix}`;
  const lower = trySpecifier(">=", right.value);
  const below = trySpecifier("<", upper);
  if (lower === undefined || below === undefined) return undefined;
  return [
    { ...expression, operator: ">=", specifier: lower },
    { ...expression, operator: "<", right: { kind: "string", value: upper }, specifier: below },
  ];
}

/** The operators whose atom is kept as the negation of another's (`not in` of `in`, …). */
const NEGATIVE: Partial<Record<MarkerOperator, MarkerOperator>> = {
  "not in": "in",
  "<": ">=",
  "<=": ">",
  "!=": "==",
};

/**
 * The comparison whose atom `expression` is the negation of, or `expression` itself: a
 * comparison and its negation must be one variable of the diagram (else `'x' in sys_platform`
 * and `'x' not in sys_platform` would look independent, their `and` not empty, and what
 * `toString` prints, which says `not` by swapping the operator, would not parse back to the
 * same set). `in`/`not in` are exact opposites. A version comparison (`platform_release < '5'`,
 * with a valid specifier either way) is counted as the opposite of `>=`, as uv and the printer
 * count it: they differ only in an environment whose value is not a version, where packaging
 * holds neither (`MarkerSet` counts it on the side of `>=`'s negation). Other comparisons of
 * strings with an order (`sys_platform < 'm'`) have no opposite and stay as they are.
 */
function positiveAtom(expression: MarkerExpression): MarkerExpression {
  const operator = NEGATIVE[expression.operator];
  if (operator === undefined) return expression;
  const { left, right } = expression;
  if (operator === "in") return { ...expression, operator };
  // Either way round: `'5' > platform_release` is the opposite of `'5' <= platform_release`.
  const [name, value] =
    left.kind === "variable" && right.kind === "string"
      ? [left.name, right.value]
      : left.kind === "string" && right.kind === "variable"
        ? [right.name, left.value]
        : [undefined, undefined];
  if (name === undefined || !VERSION_VARIABLES.has(name)) return expression;
  if (trySpecifier(expression.operator, value) === undefined) return expression;
  const specifier = trySpecifier(operator, value);
  if (specifier === undefined) return expression;
  return { ...expression, operator, specifier: left.kind === "variable" ? specifier : undefined };
}

const MINOR = /^(\d+)(?:\.(\d+))?(\.\*)?$/;
/** A longer plain release: `3.11.0`, `3.11.2`. */
const LONGER = /^(\d+)\.(\d+)((?:\.\d+)+)$/;

/**
 * The `python_full_version`s a Python-version comparison holds for, when it can be said as a
 * range: any valid specifier on `python_full_version` (except `===`), and on `python_version`
 * (always `MAJOR.MINOR`) a comparison with `MAJOR[.MINOR][.*]`: `python_version <= '3.8'` is
 * `python_full_version < '3.9'`, `python_version > '3.8'` is `>= '3.9'`.
 *
 * Ranges are in plain version order with Python's pre-releases counted as their final release
 * (as uv does): `python_version < '3.10'` and `>= '3.10'` are complements, and an interpreter
 * `3.13.0rc1` is `3.13.0` to a `MarkerSet`.
 */
function pythonRange(
  name: "python_version" | "python_full_version",
  operator: MarkerOperator,
  value: string,
): VersionRange | undefined {
  if (operator === "===" || operator === "in" || operator === "not in") return undefined;
  if (name === "python_full_version") {
    let specifier: VersionSpecifier;
    try {
      specifier = VersionSpecifier.parse(`${operator}${value}`);
    } catch {
      return undefined;
    }
    return specifierRange(specifier);
  }
  const longer = LONGER.exec(value.trim());
  if (longer !== null) return pythonVersionPastMinor(operator, longer);
  const match = MINOR.exec(value.trim());
  if (match === null) return undefined;
  const major = Number(match[1]);
  const minor = Number(match[2] ?? "0");
  const wildcard = match[3] !== undefined;
  const low = Version.parse(`${major}.${minor}`);
  const next = Version.parse(`${major}.${minor + 1}`);
  const nextMajor = Version.parse(`${major + 1}`);
  const same =
    wildcard && match[2] === undefined
      ? VersionRange.between(low, nextMajor)
      : VersionRange.between(low, next);
  if (wildcard && operator !== "==" && operator !== "!=") return undefined;
  switch (operator) {
    case "==":
      return same;
    case "!=":
      return same.complement();
    case "<":
      return VersionRange.strictlyLowerThan(low);
    case "<=":
      return VersionRange.strictlyLowerThan(next);
    case ">":
      return VersionRange.higherThan(next);
    case ">=":
      return VersionRange.higherThan(low);
    case "~=":
      return match[2] === undefined ? undefined : VersionRange.between(low, nextMajor);
  }
}

/**
 * `python_version` (`MAJOR.MINOR`) against a longer release `a.b.c…`, by PEP 440 order: with only
 * zeros after `a.b` it is `a.b` (`python_version < '3.11.0'` is `< '3.11'`); otherwise no minor
 * version equals it, `a.b` is below it and `a.(b+1)` above (`python_version < '3.11.2'` holds up
 * to 3.11, `>` from 3.12).
 */
function pythonVersionPastMinor(
  operator: MarkerOperator,
  match: RegExpExecArray,
): VersionRange | undefined {
  const [, major, minor, rest] = match;
  if (/^(\.0)+$/.test(rest!)) return pythonRange("python_version", operator, `${major}.${minor}`);
  const next = VersionRange.strictlyLowerThan(Version.parse(`${major}.${Number(minor) + 1}`));
  switch (operator) {
    case "==":
      return VersionRange.empty();
    case "!=":
      return VersionRange.full();
    case "<":
    case "<=":
      return next;
    case ">":
    case ">=":
      return next.complement();
    default:
      return undefined;
  }
}

/** A specifier on final releases, in plain version order. */
function specifierRange(specifier: VersionSpecifier): VersionRange | undefined {
  const v = specifier.version;
  const release = v.release;
  const bump = (length: number) =>
    Version.parse([...release.slice(0, length - 1), (release[length - 1] ?? 0) + 1].join("."));
  switch (specifier.operator) {
    case "==":
    case "!=": {
      const range = specifier.wildcard
        ? VersionRange.between(v, bump(release.length))
        : VersionRange.singleton(v);
      return specifier.operator === "==" ? range : range.complement();
    }
    case "<":
      return VersionRange.strictlyLowerThan(v);
    case "<=":
      return VersionRange.lowerThan(v);
    case ">":
      return VersionRange.strictlyHigherThan(v);
    case ">=":
      return VersionRange.higherThan(v);
    case "~=":
      return VersionRange.between(v, bump(release.length - 1));
    default:
      return undefined;
  }
}

/** A comparison as packaging prints it (the atom's name). */
export function printExpression(expression: MarkerExpression): string {
  const operand = (o: MarkerExpression["left"]) =>
    o.kind === "variable" ? o.name : quote(o.value);
  return `${operand(expression.left)} ${expression.operator} ${operand(expression.right)}`;
}

/** A marker string, in single quotes as uv writes them (double when it holds a single quote). */
export function quote(value: string): string {
  return value.includes("'") ? `"${value}"` : `'${value}'`;
}
