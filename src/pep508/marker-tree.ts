import type { ExtraName, GroupName } from "../normalize/index.ts";
import { Cursor } from "./cursor.ts";
import type { MarkerEnvironment } from "./marker-environment.ts";
import { evaluateNode } from "./marker-evaluation.ts";
import type { MarkerNode, MarkerOperand, MarkerVariable } from "./marker-expression.ts";
import { parseMarker } from "./marker-parser.ts";

/**
 * A parsed PEP 508 environment marker, kept as a tree so that later code can inspect it (which
 * variables does it test?) and evaluate it with part of the environment unknown.
 * https://packaging.python.org/en/latest/specifications/dependency-specifiers/#environment-markers
 */
export class MarkerTree {
  readonly root: MarkerNode;
  #text: string | undefined;

  constructor(root: MarkerNode) {
    this.root = root;
  }

  /** Parses a whole marker; throws `Pep508Error` with code `invalid-marker`. */
  static parse(s: string): MarkerTree {
    const cursor = new Cursor(s, "invalid-marker");
    const root = parseMarker(cursor);
    if (!cursor.atEnd()) throw cursor.unexpected("`and`, `or` or the end of the marker");
    return new MarkerTree(root);
  }

  /**
   * Whether the marker holds for `env` with the requested `extras` (normalized names; the empty
   * list when none) and PEP 751 `dependencyGroups`.
   *
   * Semantics follow packaging 26:
   * - version-valued variables (`VERSION_VARIABLES`) compare with PEP 440 rules, pre-releases
   *   included, when `operator + value` is a valid specifier, and are then false when the
   *   environment's value is not a version; otherwise they fall back to string comparison;
   * - `===` on a version-valued variable is arbitrary equality, as packaging's `Specifier`
   *   does it: the raw strings compared case-insensitively, never as versions
   *   (`platform_release === '6.18.44-fc-v1300'` holds on that kernel; `python_full_version ===
   *   '3.11.04'` does not hold on 3.11.4); the side that becomes the specifier (the value, or
   *   the environment's for `'x' === platform_release`) is trimmed and must be one word without
   *   `;` or `)`, else packaging raises and the comparison is false;
   * - string comparison: `==`/`!=` equality, `<=`/`>=` equality too, `<`/`>` never hold,
   *   `in`/`not in` are substring tests, `~=`/`===` are undefined and never hold (packaging
   *   raises `UndefinedComparison`; uv warns and treats them as false — so do we);
   * - `extra` holds when it holds for some requested extra (for `!=` and `not in`: for every
   *   one); with no extras it is compared as the empty string, as pip and packaging do.
   */
  evaluate(
    env: MarkerEnvironment,
    extras: readonly ExtraName[],
    dependencyGroups: readonly GroupName[] = [],
  ): boolean {
    return evaluateNode(this.root, { env, extras, dependencyGroups }) === true;
  }

  /**
   * Three-valued evaluation: `true`/`false` when the known part of the environment decides the
   * marker, `undefined` when it depends on something unknown — a key missing from `env`, or
   * `extra`/`extras` when `extras` is `undefined`. `and`/`or` follow Kleene logic
   * (`false and unknown` is `false`).
   */
  evaluatePartial(
    env: Partial<MarkerEnvironment>,
    extras: readonly ExtraName[] | undefined,
  ): boolean | undefined {
    return evaluateNode(this.root, { env, extras, dependencyGroups: undefined });
  }

  /** The variables the marker tests. */
  variables(): ReadonlySet<MarkerVariable> {
    const found = new Set<MarkerVariable>();
    const visit = (node: MarkerNode): void => {
      if (node.kind !== "expression") {
        for (const child of node.children) visit(child);
        return;
      }
      if (node.left.kind === "variable") found.add(node.left.name);
      if (node.right.kind === "variable") found.add(node.right.name);
    };
    visit(this.root);
    return found;
  }

  /** `(this) and (other)`, the way packaging's `Marker.__and__` prints it. */
  and(other: MarkerTree): MarkerTree {
    return new MarkerTree({
      kind: "and",
      children: [asGroup(this.root), asGroup(other.root)],
      parenthesized: false,
    });
  }

  /** `(this) or (other)`, the way packaging's `Marker.__or__` prints it. */
  or(other: MarkerTree): MarkerTree {
    return new MarkerTree({
      kind: "or",
      children: [asGroup(this.root), asGroup(other.root)],
      parenthesized: false,
    });
  }

  /** Two markers are equal when their normalized forms are (packaging's definition). */
  equals(other: MarkerTree): boolean {
    return this.toString() === other.toString();
  }

  /**
   * The normalized form, equal to packaging's `str(Marker)`: single spaces around operators and
   * `and`/`or`, strings in double quotes (single quotes when the value holds a double quote, so
   * it still parses), legacy names in their PEP 508 spelling, parentheses as written except
   * around a single comparison or the whole marker.
   */
  toString(): string {
    this.#text ??= printNode(this.root, true);
    return this.#text;
  }
}

function asGroup(node: MarkerNode): MarkerNode {
  return node.kind === "expression" || node.parenthesized ? node : { ...node, parenthesized: true };
}

function printNode(node: MarkerNode, top: boolean): string {
  if (node.kind === "expression") {
    return `${printOperand(node.left)} ${node.operator} ${printOperand(node.right)}`;
  }
  const inner = node.children.map((child) => printNode(child, false)).join(` ${node.kind} `);
  return node.parenthesized && !top ? `(${inner})` : inner;
}

function printOperand(operand: MarkerOperand): string {
  if (operand.kind === "variable") return operand.name;
  return operand.value.includes('"') ? `'${operand.value}'` : `"${operand.value}"`;
}
