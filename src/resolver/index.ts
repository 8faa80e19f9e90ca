export type { PrereleaseMode, ResolutionMode } from "./options.ts";
export type {
  DependenciesResult,
  DependencyProvider,
  UrlMetadataResult,
  VersionsResult,
} from "./provider.ts";
export { RegistryProvider } from "./registry-provider.ts";
export { NoSolutionError } from "./report.ts";
export { type ResolverTarget, targetFromInterpreter } from "./resolver-target.ts";
export { resolve, type SolverResult } from "./solver.ts";
