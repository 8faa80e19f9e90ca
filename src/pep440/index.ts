export { compareVersions, Version } from "./version.ts";
export type { Operator } from "./version-intervals.ts";
export { VersionRange } from "./version-range.ts";
export { VersionSpecifier, VersionSpecifiers } from "./version-specifier.ts";
