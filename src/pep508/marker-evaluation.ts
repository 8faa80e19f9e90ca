/**
 * Evaluation of a marker tree against a (possibly partial) environment; see `MarkerTree.evaluate`
 * for the semantics.
 */

import { normalizeName } from "../normalize/index.ts";
import { Version, type VersionSpecifier } from "../pep440/index.ts";
import type { MarkerEnvironment } from "./marker-environment.ts";
import {
  isArbitrarySpec,
  type MarkerExpression,
  type MarkerNode,
  type MarkerOperator,
  type MarkerVariable,
  trySpecifier,
  VERSION_VARIABLES,
} from "./marker-expression.ts";

export interface EvaluationContext {
  readonly env: Partial<MarkerEnvironment>;
  /** `undefined`: unknown. */
  readonly extras: readonly string[] | undefined;
  readonly dependencyGroups: readonly string[] | undefined;
}

export function evaluateNode(node: MarkerNode, context: EvaluationContext): boolean | undefined {
  if (node.kind === "expression") return evaluateExpression(node, context);
  // `and` is decided by a false child, `or` by a true one; otherwise unknown wins.
  const decisive = node.kind === "or";
  let unknown = false;
  for (const child of node.children) {
    const result = evaluateNode(child, context);
    if (result === decisive) return decisive;
    if (result === undefined) unknown = true;
  }
  return unknown ? undefined : !decisive;
}

function evaluateExpression(
  expression: MarkerExpression,
  context: EvaluationContext,
): boolean | undefined {
  const { left, operator, right } = expression;
  if (left.kind === "variable" && right.kind === "string") {
    return compareWithVariable(
      left.name,
      operator,
      right.value,
      false,
      expression.specifier,
      context,
    );
  }
  if (left.kind === "string" && right.kind === "variable") {
    return compareWithVariable(right.name, operator, left.value, true, undefined, context);
  }
  // Two strings or two variables: packaging raises at evaluation; such a marker never holds.
  return false;
}

/**
 * `variable operator value`, or `value operator variable` when `reversed`. For a reversed
 * version comparison the specifier is built from the environment's value, exactly as packaging
 * does (`'3.8' < python_version` asks whether 3.8 lies in `<{python_version}`), which keeps
 * PEP 440's exclusive-ordering rules for pre-releases intact.
 */
function compareWithVariable(
  variable: MarkerVariable,
  operator: MarkerOperator,
  value: string,
  reversed: boolean,
  specifier: VersionSpecifier | undefined,
  context: EvaluationContext,
): boolean | undefined {
  switch (variable) {
    case "extra": {
      const extras = context.extras;
      if (extras === undefined) return undefined;
      return compareWithEach(operator, value, reversed, extras.length === 0 ? [""] : extras);
    }
    case "extras":
    case "dependency_groups": {
      const names = variable === "extras" ? context.extras : context.dependencyGroups;
      if (names === undefined) return undefined;
      // Only `'name' in extras` and `'name' not in extras` are defined on these sets.
      if (!reversed || (operator !== "in" && operator !== "not in")) return false;
      return names.includes(normalizeName(value)) === (operator === "in");
    }
    default: {
      const actual = context.env[variable];
      if (actual === undefined) return undefined;
      if (VERSION_VARIABLES.has(variable)) {
        if (operator === "===") {
          return reversed ? arbitraryEquality(value, actual) : arbitraryEquality(actual, value);
        }
        if (!reversed && specifier !== undefined) {
          const version = cachedVersion(actual);
          return version !== undefined && specifier.contains(version);
        }
        if (reversed) {
          const fromEnvironment = trySpecifier(operator, actual);
          if (fromEnvironment !== undefined) {
            const version = Version.tryParse(value);
            return version !== undefined && fromEnvironment.contains(version);
          }
        }
      }
      return reversed
        ? compareStrings(value, operator, actual)
        : compareStrings(actual, operator, value);
    }
  }
}

/**
 * packaging's `Specifier(f"==={spec}").contains(item)` for a marker on a version variable: `spec`
 * (trimmed) must be a specifier's arbitrary string — no whitespace, `;` or `)` — or packaging
 * raises `UndefinedComparison` (false here, as uv); then the raw strings are compared
 * case-insensitively, never parsed as versions.
 */
function arbitraryEquality(item: string, spec: string): boolean {
  return isArbitrarySpec(spec) && item.toLowerCase() === spec.trim().toLowerCase();
}

/** `extra` against each requested extra: some must match, or all for a negated operator. */
function compareWithEach(
  operator: MarkerOperator,
  value: string,
  reversed: boolean,
  extras: readonly string[],
): boolean {
  const negated = operator === "!=" || operator === "not in";
  for (const extra of extras) {
    const holds = reversed
      ? compareStrings(value, operator, extra)
      : compareStrings(extra, operator, value);
    if (holds !== negated) return holds;
  }
  return negated;
}

function compareStrings(left: string, operator: MarkerOperator, right: string): boolean {
  switch (operator) {
    case "==":
    case "<=":
    case ">=":
      return left === right;
    case "!=":
      return left !== right;
    case "in":
      return right.includes(left);
    case "not in":
      return !right.includes(left);
    default:
      // `<` and `>` never hold on strings in packaging 26; `~=` and `===` are undefined.
      return false;
  }
}

/**
 * Parsed environment values. An environment holds a handful of versions and a process sees a
 * handful of environments, so the cache stays small; it is cleared if that ever stops being true.
 */
const environmentVersions = new Map<string, Version | null>();

function cachedVersion(text: string): Version | undefined {
  let version = environmentVersions.get(text);
  if (version === undefined) {
    if (environmentVersions.size > 256) environmentVersions.clear();
    version = Version.tryParse(text) ?? null;
    environmentVersions.set(text, version);
  }
  return version ?? undefined;
}
