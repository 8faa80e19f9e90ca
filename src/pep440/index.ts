export {
  compareVersions,
  type PreKind,
  type PreRelease,
  Version,
  type VersionParts,
} from "./version.ts";
export type { Interval, Operator } from "./version-intervals.ts";
export { VersionRange } from "./version-range.ts";
export { VersionSpecifier, VersionSpecifiers } from "./version-specifier.ts";
