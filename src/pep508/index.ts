export { type MarkerEnvironment, markerEnvironmentFromRecord } from "./marker-environment.ts";
export { MarkerSet } from "./marker-set.ts";
export { MarkerTree } from "./marker-tree.ts";
export { Pep508Error } from "./pep508-error.ts";
export { possibleEnvironments } from "./possible-environments.ts";
export { Requirement } from "./requirement.ts";
export { VerbatimUrl } from "./verbatim-url.ts";
