export type { PrereleaseMode, ResolutionMode, ResolveOptions } from "./options.ts";
export type {
  DependenciesResult,
  DependencyProvider,
  UrlMetadataResult,
  VersionsResult,
} from "./provider.ts";
export { RegistryProvider } from "./registry-provider.ts";
export { NoSolutionError, noSolutionHeading } from "./report.ts";
export {
  type ResolutionDiagnostic,
  resolutionDiagnostics,
} from "./resolution-diagnostics.ts";
export {
  isUniversal,
  type ResolverTarget,
  targetFromInterpreter,
  type UniversalTarget,
} from "./resolver-target.ts";
export { resolve, type SolverResult } from "./solver.ts";
export { type MarkedPreference, resolveUniversal, type UniversalResult } from "./universal.ts";
