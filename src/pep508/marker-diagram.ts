/**
 * The decision diagram behind `MarkerSet`: sets of environments as reduced, ordered, shared
 * decision nodes (an algebraic decision diagram, the structure uv's marker algebra uses too).
 *
 * A node tests one variable and has one child per part of that variable's domain:
 * - `version` (`python_full_version`; `python_version` comparisons are translated into it): the
 *   children's version ranges partition every version;
 * - `string` (`sys_platform`, `extra`, …, compared with `==`/`!=`): one child per listed value,
 *   and one for every other value;
 * - `atom`: any other comparison (`'linux' in sys_platform`, `platform_release >= '5'`), kept
 *   whole as a yes/no question.
 *
 * Canonical form: variables are tested in one global order (known variables alphabetically,
 * then atoms in the order first seen), a node never has two edges to one child (their labels
 * are merged), a node whose edges all lead to one child is that child, and equal nodes are one
 * node (hash-consed). Two diagrams denote the same set exactly when they are the same node, so
 * `isFalse`, equality and disjointness are identity checks. Variables are independent here
 * (`sys_platform == 'linux' and platform_system == 'Windows'` is not known to be empty), which
 * only ever over-approximates: a set is never reported empty when an environment is in it.
 *
 * Nodes live in one process-wide store (they are small, shared, and never freed).
 */

import { Version, type VersionRange } from "../pep440/index.ts";
import type { MarkerExpression } from "./marker-expression.ts";

export type NodeId = number;
export const FALSE: NodeId = 0;
export const TRUE: NodeId = 1;

export interface Variable {
  /** Orders the tests: lower first. */
  readonly order: number;
  /** `python_full_version`, `sys_platform`, … or the atom's printed comparison. */
  readonly key: string;
  readonly kind: "version" | "string" | "atom";
  /** The comparison an atom asks (for evaluation and printing). */
  readonly expression?: MarkerExpression;
}

export type DecisionNode =
  | {
      readonly kind: "version";
      readonly variable: Variable;
      /** Disjoint, covering every version, one per child. */
      readonly ranges: readonly VersionRange[];
      readonly children: readonly NodeId[];
    }
  | {
      readonly kind: "string";
      readonly variable: Variable;
      /** Sorted; none leads to `other`. */
      readonly values: readonly string[];
      readonly children: readonly NodeId[];
      readonly other: NodeId;
    }
  | {
      readonly kind: "atom";
      readonly variable: Variable;
      readonly high: NodeId;
      readonly low: NodeId;
    };

const KNOWN_VARIABLES = [
  "extra",
  "implementation_name",
  "os_name",
  "platform_machine",
  "platform_python_implementation",
  "platform_release",
  "platform_system",
  "platform_version",
  "python_full_version",
  "sys_platform",
];

const variables = new Map<string, Variable>();
const nodes: (DecisionNode | undefined)[] = [undefined, undefined];
const unique = new Map<string, NodeId>();
const memo = { and: new Map<string, NodeId>(), or: new Map<string, NodeId>() };
const negations = new Map<NodeId, NodeId>();

/** The variable `key` of `kind`, created on first use. */
export function variable(
  key: string,
  kind: Variable["kind"],
  expression?: MarkerExpression,
): Variable {
  const id = `${kind}:${key}`;
  let found = variables.get(id);
  if (found === undefined) {
    const known = KNOWN_VARIABLES.indexOf(key);
    const order = known >= 0 && kind !== "atom" ? known : KNOWN_VARIABLES.length + variables.size;
    found = { order, key, kind, ...(expression === undefined ? {} : { expression }) };
    variables.set(id, found);
  }
  return found;
}

export function nodeOf(id: NodeId): DecisionNode {
  return nodes[id]!;
}

function intern(node: DecisionNode, key: string): NodeId {
  let id = unique.get(key);
  if (id === undefined) {
    id = nodes.length;
    nodes.push(node);
    unique.set(key, id);
  }
  return id;
}

/** A version node over `edges` (disjoint ranges covering every version), reduced. */
export function versionNode(
  v: Variable,
  edges: readonly { range: VersionRange; child: NodeId }[],
): NodeId {
  const merged = new Map<NodeId, VersionRange>();
  for (const { range, child } of edges) {
    if (range.isEmpty()) continue;
    const existing = merged.get(child);
    merged.set(child, existing === undefined ? range : existing.union(range));
  }
  if (merged.size === 1) return [...merged.keys()][0]!;
  const children = [...merged.keys()].sort((a, b) => a - b);
  const ranges = children.map((c) => merged.get(c)!);
  const key = `v${v.order}|${children.map((c, i) => `${c}:${rangeKey(ranges[i]!)}`).join("|")}`;
  return intern({ kind: "version", variable: v, ranges, children }, key);
}

/** A range's identity: equal sets, equal keys (`3.10` and `3.10.0` are one bound). */
function rangeKey(range: VersionRange): string {
  const bound = (v: Version | undefined) => {
    if (v === undefined) return "";
    const release = [...v.release];
    while (release.length > 1 && release[release.length - 1] === 0) release.pop();
    return Version.create({ ...v.parts(), release }).toString();
  };
  return range.intervals
    .map(
      (x) =>
        `${x.lowerInclusive ? "[" : "("}${bound(x.lower)},${bound(x.upper)}${x.upperInclusive ? "]" : ")"}`,
    )
    .join("");
}

/** A string node: `values[i]` leads to `children[i]`, every other value to `other`; reduced. */
export function stringNode(
  v: Variable,
  entries: readonly { value: string; child: NodeId }[],
  other: NodeId,
): NodeId {
  const kept = entries
    .filter((e) => e.child !== other)
    .sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  if (kept.length === 0) return other;
  const values = kept.map((e) => e.value);
  const children = kept.map((e) => e.child);
  const key = `s${v.order}|${kept.map((e) => `${JSON.stringify(e.value)}:${e.child}`).join("|")}|${other}`;
  return intern({ kind: "string", variable: v, values, children, other }, key);
}

export function atomNode(v: Variable, high: NodeId, low: NodeId): NodeId {
  if (high === low) return high;
  return intern({ kind: "atom", variable: v, high, low }, `a${v.order}|${high}|${low}`);
}

/** The child of a string node for `value`. */
export function stringChild(node: DecisionNode & { kind: "string" }, value: string): NodeId {
  const i = node.values.indexOf(value);
  return i < 0 ? node.other : node.children[i]!;
}

export function and(a: NodeId, b: NodeId): NodeId {
  if (a === FALSE || b === FALSE) return FALSE;
  if (a === TRUE) return b;
  if (b === TRUE || a === b) return a;
  return apply("and", a, b);
}

export function or(a: NodeId, b: NodeId): NodeId {
  if (a === TRUE || b === TRUE) return TRUE;
  if (a === FALSE) return b;
  if (b === FALSE || a === b) return a;
  return apply("or", a, b);
}

export function not(a: NodeId): NodeId {
  if (a === TRUE) return FALSE;
  if (a === FALSE) return TRUE;
  const known = negations.get(a);
  if (known !== undefined) return known;
  const n = nodeOf(a);
  const result = mapChildren(n, not);
  negations.set(a, result);
  negations.set(result, a);
  return result;
}

/** The node with `f` applied to each child (the labels kept). */
export function mapChildren(n: DecisionNode, f: (child: NodeId) => NodeId): NodeId {
  switch (n.kind) {
    case "version":
      return versionNode(
        n.variable,
        n.ranges.map((range, i) => ({ range, child: f(n.children[i]!) })),
      );
    case "string":
      return stringNode(
        n.variable,
        n.values.map((value, i) => ({ value, child: f(n.children[i]!) })),
        f(n.other),
      );
    case "atom":
      return atomNode(n.variable, f(n.high), f(n.low));
  }
}

/**
 * The diagram of `id` rebuilt bottom-up, each node once: `step` gives a node's replacement,
 * calling `visit` for the children it keeps (true and false stay as they are).
 */
export function rebuild(
  id: NodeId,
  step: (n: DecisionNode, visit: (child: NodeId) => NodeId) => NodeId,
): NodeId {
  const memo = new Map<NodeId, NodeId>();
  const visit = (x: NodeId): NodeId => {
    if (x === TRUE || x === FALSE) return x;
    let result = memo.get(x);
    if (result === undefined) {
      result = step(nodeOf(x), visit);
      memo.set(x, result);
    }
    return result;
  };
  return visit(id);
}

function apply(op: "and" | "or", a: NodeId, b: NodeId): NodeId {
  const [x, y] = a < b ? [a, b] : [b, a];
  const key = `${x},${y}`;
  const table = memo[op];
  const known = table.get(key);
  if (known !== undefined) return known;
  const f = op === "and" ? and : or;
  const nx = nodeOf(x);
  const ny = nodeOf(y);
  let result: NodeId;
  if (nx.variable.order < ny.variable.order) {
    result = mapChildren(nx, (c) => f(c, y));
  } else if (ny.variable.order < nx.variable.order) {
    result = mapChildren(ny, (c) => f(x, c));
  } else {
    result = combine(nx, ny, f);
  }
  table.set(key, result);
  return result;
}

/** Two nodes on the same variable, combined edge by edge. */
function combine(x: DecisionNode, y: DecisionNode, f: (a: NodeId, b: NodeId) => NodeId): NodeId {
  if (x.kind === "version" && y.kind === "version") {
    const edges: { range: VersionRange; child: NodeId }[] = [];
    x.ranges.forEach((rx, i) => {
      y.ranges.forEach((ry, j) => {
        const range = rx.intersection(ry);
        if (!range.isEmpty()) edges.push({ range, child: f(x.children[i]!, y.children[j]!) });
      });
    });
    return versionNode(x.variable, edges);
  }
  if (x.kind === "string" && y.kind === "string") {
    const values = [...new Set([...x.values, ...y.values])];
    return stringNode(
      x.variable,
      values.map((value) => ({ value, child: f(stringChild(x, value), stringChild(y, value)) })),
      f(x.other, y.other),
    );
  }
  if (x.kind === "atom" && y.kind === "atom") {
    return atomNode(x.variable, f(x.high, y.high), f(x.low, y.low));
  }
  throw new Error("marker diagram: one variable with two kinds of node");
}
