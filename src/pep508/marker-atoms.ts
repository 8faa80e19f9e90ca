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
  or,
  stringNode,
  TRUE,
  variable,
  versionNode,
} from "./marker-diagram.ts";
import type {
  MarkerExpression,
  MarkerNode,
  MarkerOperator,
  MarkerVariable,
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
  if (operator !== undefined) {
    if (name === "python_version" || name === "python_full_version") {
      const range = pythonRange(name, operator, value);
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
  return atomNode(variable(printExpression(expression), "atom", expression), TRUE, FALSE);
}

const MINOR = /^(\d+)(?:\.(\d+))?(\.\*)?$/;

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
