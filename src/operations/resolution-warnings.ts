import type { PackageName } from "../normalize/index.ts";
import type { ResolutionDiagnostic } from "../resolver/index.ts";
import type { BinarySelection } from "./settings.ts";

/**
 * What an operation warns of (the CLI prints each as `warning: …`): the resolution's diagnostics
 * (a yanked version, a missing extra), and an `--upgrade-package` that names no package of the
 * resolution.
 */
export type ResolutionWarning =
  | ResolutionDiagnostic
  | { readonly kind: "unmatched-upgrade-package"; readonly name: PackageName };

/**
 * The `--upgrade-package` names that match no package of the resolution.
 *
 * Which misspellings deserve a warning: package names are normalized (PEP 503) wherever they are
 * compared — requirements, `-c` constraints, `--override`, `-P`, `--no-binary`/`--only-binary`,
 * `--reinstall-package` — so `-P Django`, `-c` with `Foo.Bar==1` for a requirement `foo-bar`,
 * or `--no-binary PyYAML` apply exactly as their normalized spellings do, and warning about the
 * spelling would tell of a problem that does not exist (pip and uv are silent too). The one case
 * where a user is misled is a `-P` name that matches nothing once normalized: the command
 * succeeds and upgrades nothing, silently (uv warns here too, astral-sh/uv#18939). The warning
 * names the normalized spelling, which is what was compared. `--no-binary`/`--only-binary` names
 * are not checked: they also rule the build environments' resolutions, where a name this
 * resolution lacks still applies.
 */
export function unmatchedUpgrades(
  upgrade: readonly BinarySelection[],
  resolved: Iterable<PackageName>,
): ResolutionWarning[] {
  const names = new Set(resolved);
  const unmatched = new Set<PackageName>();
  for (const name of upgrade) {
    if (name !== ":all:" && !names.has(name)) unmatched.add(name);
  }
  return [...unmatched].map((name) => ({ kind: "unmatched-upgrade-package", name }));
}
