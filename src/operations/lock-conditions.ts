import type { ExtraName, GroupName } from "../normalize/index.ts";
import { type MarkerEnvironment, MarkerSet } from "../pep508/index.ts";

/**
 * PEP 751's conditions on what a lock installs: a package needed only through an extra or a
 * dependency group of the locked project carries `'x' in extras` or `'g' in dependency_groups`
 * in its marker, which an installer evaluates with the extras and groups it is asked for.
 * https://packaging.python.org/en/latest/specifications/pylock-toml/#packages-marker
 *
 * In a `MarkerSet` these comparisons are independent atoms (never evaluated against an
 * interpreter), so they flow through a universal resolution like any other marker and print
 * back as written.
 */

/** `'x' in extras`: the lock is installed with extra `x`. */
export function inExtras(extra: ExtraName): MarkerSet {
  return MarkerSet.parse(`'${extra}' in extras`);
}

/** `'g' in dependency_groups`: the lock is installed with dependency group `g`. */
export function inDependencyGroups(group: GroupName): MarkerSet {
  return MarkerSet.parse(`'${group}' in dependency_groups`);
}

/**
 * A lock marker seen from one environment: the extras and groups (of `extras`, `groups`) under
 * which `marker` holds in `env`, as an `or` of their atoms; true when it holds with none.
 *
 * Exact for the markers `requirement-sources.ts` builds — the requirement's own marker or-ed
 * with `(atom and marker)` terms, one atom per term — which are monotone in the atoms: testing
 * each extra and each group alone decides them.
 */
export function conditionIn(
  marker: MarkerSet,
  env: MarkerEnvironment,
  selection: { readonly extras: readonly ExtraName[]; readonly groups: readonly GroupName[] },
): MarkerSet {
  const tree = marker.toTree();
  if (tree === undefined || tree.evaluate(env, [], [])) return MarkerSet.TRUE;
  let condition = MarkerSet.FALSE;
  for (const extra of selection.extras) {
    if (tree.evaluate(env, [extra], [])) condition = condition.or(inExtras(extra));
  }
  for (const group of selection.groups) {
    if (tree.evaluate(env, [], [group])) condition = condition.or(inDependencyGroups(group));
  }
  return condition;
}
