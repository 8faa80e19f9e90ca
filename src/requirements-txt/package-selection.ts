import { PackageName } from "../normalize/index.ts";

/**
 * Pairs of opposite package selections set by options: `--no-binary` / `--only-binary` (pip's
 * `FormatControl`) and `--all-releases` / `--only-final` (pip's `ReleaseControl`, pip 26). Each
 * side holds normalized names and possibly `:all:`; a name on either side beats `:all:` on the
 * other, which is how pip reads them.
 */
export interface FormatControl {
  readonly noBinary: SelectionEntries;
  readonly onlyBinary: SelectionEntries;
}

export interface ReleaseControl {
  readonly allReleases: SelectionEntries;
  readonly onlyFinal: SelectionEntries;
}

export const ALL = ":all:";
const NONE = ":none:";

/** The entries of one side: normalized names, and `:all:` when it is set. */
export type SelectionEntries = (PackageName | typeof ALL)[];

/**
 * Applies one option value (`a,b`, `:all:`, `:none:`, or a mix such as `:all:,:none:,a`) to the
 * `target` side, removing what it selects from the `other` side, exactly as pip's
 * `FormatControl.handle_mutual_excludes`: `:all:` clears both sides and stands alone on the
 * target; `:none:` clears the target; a name moves to the target. Throws the `PuffinError` of
 * `PackageName.parse` for an invalid name.
 */
export function applyPackageSelection(
  value: string,
  target: SelectionEntries,
  other: SelectionEntries,
): void {
  let items = value.split(",");
  let allIndex = items.indexOf(ALL);
  while (allIndex !== -1) {
    other.length = 0;
    target.length = 0;
    target.push(ALL);
    items = items.slice(allIndex + 1);
    // Without a later `:none:`, anything after `:all:` is already covered by it.
    if (!items.includes(NONE)) return;
    allIndex = items.indexOf(ALL);
  }
  for (const item of items) {
    if (item === NONE) {
      target.length = 0;
      continue;
    }
    const name = PackageName.parse(item);
    remove(other, name);
    if (!target.includes(name)) target.push(name);
  }
}

function remove(entries: SelectionEntries, name: PackageName): void {
  const index = entries.indexOf(name);
  if (index !== -1) entries.splice(index, 1);
}

/** The options that set package selections. */
export type SelectionOption = "--no-binary" | "--only-binary" | "--all-releases" | "--only-final";

/** Applies `option value` to the side of `formatControl` / `releaseControl` it sets. */
export function applySelectionOption(
  option: SelectionOption,
  value: string,
  formatControl: FormatControl,
  releaseControl: ReleaseControl,
): void {
  const f = formatControl;
  const r = releaseControl;
  if (option === "--no-binary") applyPackageSelection(value, f.noBinary, f.onlyBinary);
  else if (option === "--only-binary") applyPackageSelection(value, f.onlyBinary, f.noBinary);
  else if (option === "--all-releases") applyPackageSelection(value, r.allReleases, r.onlyFinal);
  else applyPackageSelection(value, r.onlyFinal, r.allReleases);
}
