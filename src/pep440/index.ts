export {
  compareVersions,
  type PreKind,
  type PreRelease,
  Version,
  type VersionParts,
} from "./version.ts";
export { type Interval, VersionRange } from "./version-range.ts";
export { type Operator, VersionSpecifier, VersionSpecifiers } from "./version-specifier.ts";
