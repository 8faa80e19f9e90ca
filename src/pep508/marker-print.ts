/**
 * A decision diagram printed as a marker: an `or` of `and`s, made small. Each path of the
 * diagram to "true" gives an `and` of comparisons; then every comparison and every `and` that
 * the set does not need is dropped (checked on the diagram: the printed marker always denotes
 * exactly the set — within the `care` set, when one is given), so `a or (not a and b)` prints
 * as `a or b`.
 */

import { type Version, VersionRange } from "../pep440/index.ts";
import { PYTHON, quote } from "./marker-atoms.ts";
import {
  and,
  atomNode,
  FALSE,
  type NodeId,
  nodeOf,
  not,
  or,
  stringNode,
  TRUE,
  type Variable,
  versionNode,
} from "./marker-diagram.ts";

/** One comparison: its text and its set. */
interface Literal {
  readonly text: string;
  readonly id: NodeId;
}

/** Paths beyond this many are printed as found, without dropping what is not needed. */
const MINIMIZE_LIMIT = 64;

export function printMarker(id: NodeId, care: NodeId = TRUE): string {
  const target = and(id, care);
  if (target === care) return "";
  if (target === FALSE) return "python_version < '0'";
  let paths = disjunction(id);
  if (paths.length <= MINIMIZE_LIMIT) paths = minimize(paths, target, care);
  const conjunctions = paths.map((path) =>
    // By variable (stable: a lower bound stays before its upper bound), as uv orders them.
    [...path].sort((a, b) => compareText(variableOf(a), variableOf(b))),
  );
  return conjunctions.map((path) => path.map((l) => l.text).join(" and ")).join(" or ");
}

function variableOf(literal: Literal): string {
  return literal.text
    .slice(0, literal.text.indexOf(" "))
    .replace(/^python_version$/, "python_full_version");
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function setOf(paths: readonly (readonly Literal[])[]): NodeId {
  let result = FALSE;
  for (const path of paths) {
    let conjunction = TRUE;
    for (const literal of path) conjunction = and(conjunction, literal.id);
    result = or(result, conjunction);
  }
  return result;
}

/**
 * Drops comparisons, then whole `and`s, while the set stays `target` within `care` (outside
 * it, anything goes: what `care` implies need not be said).
 */
function minimize(paths: Literal[][], target: NodeId, care: NodeId): Literal[][] {
  const result = paths.map((path) => [...path]);
  const same = () => and(setOf(result), care) === target;
  for (const path of result) {
    for (let j = path.length - 1; j >= 0; j--) {
      const removed = path.splice(j, 1)[0]!;
      if (!same()) path.splice(j, 0, removed);
    }
  }
  for (let i = result.length - 1; i >= 0; i--) {
    const removed = result.splice(i, 1)[0]!;
    if (!same()) result.splice(i, 0, removed);
  }
  return result;
}

/** The paths of `id` to true, each as its comparisons. */
function disjunction(id: NodeId): Literal[][] {
  if (id === TRUE) return [[]];
  if (id === FALSE) return [];
  const n = nodeOf(id);
  const result: Literal[][] = [];
  const extend = (alternatives: Literal[][], child: NodeId) => {
    const rest = disjunction(child);
    for (const alternative of alternatives) {
      for (const tail of rest) result.push([...alternative, ...tail]);
    }
  };
  switch (n.kind) {
    case "atom": {
      const atom = atomNode(n.variable, TRUE, FALSE);
      extend([[{ text: n.variable.key, id: atom }]], n.high);
      extend([[{ text: negate(n.variable.key), id: not(atom) }]], n.low);
      break;
    }
    case "string":
      n.values.forEach((value, i) => {
        extend([[equality(n.variable, "==", value)]], n.children[i]!);
      });
      extend([n.values.map((value) => equality(n.variable, "!=", value))], n.other);
      break;
    case "version":
      n.ranges.forEach((range, i) => {
        extend(range.intervals.map(pythonInterval), n.children[i]!);
      });
      break;
  }
  return result;
}

function equality(v: Variable, operator: "==" | "!=", value: string): Literal {
  const equal = operator === "==";
  return {
    text: `${v.key} ${operator} ${quote(value)}`,
    id: stringNode(v, [{ value, child: equal ? TRUE : FALSE }], equal ? FALSE : TRUE),
  };
}

const NEGATED: Record<string, string> = {
  "==": "!=",
  "!=": "==",
  in: "not in",
  "not in": "in",
  "<": ">=",
  ">=": "<",
  ">": "<=",
  "<=": ">",
  // PEP 508 has no opposite of arbitrary equality: `!=` is the nearest, differing only where
  // the value is a version (then `!=` compares as versions) or in letter case.
  "===": "!=",
};

/**
 * `not (comparison)` as one comparison (PEP 508 has no `not`): `==`/`!=` and `in`/`not in`
 * swap exactly; a version comparison becomes its opposite, which differs only where the
 * environment's value is not a version.
 */
function negate(atom: string): string {
  const match = /^(\S+) (===|==|!=|<=|>=|<|>|not in|in) (.+)$/.exec(atom);
  const operator = match === null ? undefined : NEGATED[match[2]!];
  return operator === undefined ? atom : `${match![1]} ${operator} ${match![3]}`;
}

function python(range: VersionRange): NodeId {
  return versionNode(PYTHON, [
    { range, child: TRUE },
    { range: range.complement(), child: FALSE },
  ]);
}

/**
 * One interval of `python_full_version` as comparisons, a bound at a minor version said with
 * `python_version` (`python_version >= '3.9'`, `python_full_version >= '3.9.1'`).
 */
function pythonInterval(x: VersionRange["intervals"][number]): Literal[] {
  const { lower, upper } = x;
  if (lower !== undefined && upper !== undefined && lower.compare(upper) === 0) {
    return [
      { text: `python_full_version == '${lower}'`, id: python(VersionRange.singleton(lower)) },
    ];
  }
  if (lower !== undefined && upper !== undefined && x.lowerInclusive && !x.upperInclusive) {
    if (isMinor(lower) && isMinor(upper)) {
      const [major, minor] = [lower.release[0]!, lower.release[1] ?? 0];
      if (upper.release[0] === major && (upper.release[1] ?? 0) === minor + 1) {
        return [
          {
            text: `python_version == '${major}.${minor}'`,
            id: python(VersionRange.between(lower, upper)),
          },
        ];
      }
    }
  }
  const literals: Literal[] = [];
  if (lower !== undefined) {
    const range = x.lowerInclusive
      ? VersionRange.higherThan(lower)
      : VersionRange.strictlyHigherThan(lower);
    const text =
      x.lowerInclusive && isMinor(lower)
        ? `python_version >= '${minorOf(lower)}'`
        : `python_full_version ${x.lowerInclusive ? ">=" : ">"} '${lower}'`;
    literals.push({ text, id: python(range) });
  }
  if (upper !== undefined) {
    const range = x.upperInclusive
      ? VersionRange.lowerThan(upper)
      : VersionRange.strictlyLowerThan(upper);
    const text =
      !x.upperInclusive && isMinor(upper)
        ? `python_version < '${minorOf(upper)}'`
        : `python_full_version ${x.upperInclusive ? "<=" : "<"} '${upper}'`;
    literals.push({ text, id: python(range) });
  }
  return literals;
}

/** `X`, `X.Y` or `X.Y.0`, a plain release: where `python_version` can say the bound. */
function isMinor(v: Version): boolean {
  return (
    v.epoch === 0 &&
    v.pre === undefined &&
    v.post === undefined &&
    v.dev === undefined &&
    !v.isLocal() &&
    v.release.length <= 3 &&
    (v.release[2] ?? 0) === 0
  );
}

function minorOf(v: Version): string {
  return `${v.release[0]}.${v.release[1] ?? 0}`;
}
