import { type Version, VersionRange, type VersionSpecifiers } from "../pep440/index.ts";

/**
 * The Python versions a distribution's `Requires-Python` admits, as the resolver reads it: its
 * lower bound only, so `>=3.8,<4` admits 3.8 and everything after it, and `<3.12` every Python.
 * uv reads it the same way (for a version's metadata and for an index's `data-requires-python`
 * alike): an upper bound is written before the Python it excludes exists, so it cannot say that
 * the release fails there, only that nobody tried, and honouring it makes resolvers pick old
 * releases or fail for no reason (https://discuss.python.org/t/requires-python-upper-limits/12663).
 * A lower bound is what the field was made for (PEP 345, PEP 503's `data-requires-python`): to
 * let installers on older Pythons find older releases. pip honours upper bounds too.
 */
export function pythonRange(requiresPython: VersionSpecifiers): VersionRange {
  return VersionRange.fromSpecifiers(requiresPython).withoutUpperBounds();
}

/** Whether a distribution with this `Requires-Python` may be used on `python` (see `pythonRange`). */
export function admitsPython(requiresPython: VersionSpecifiers, python: Version): boolean {
  return pythonRange(requiresPython).contains(python);
}
