export { type FilePolicy, groupVersionFiles, type VersionFiles } from "./candidate-files.ts";
export { CandidateSelector, type CandidateSelectorOptions } from "./candidate-selector.ts";
export {
  Incompatibility,
  type IncompatibilityCause,
  type PackageTerm,
} from "./incompatibility.ts";
export type { PrereleaseMode, ResolutionMode, ResolveOptions } from "./options.ts";
export { type NamedPackage, PackageTable, packageLabel, type ResolverPackage } from "./package.ts";
export type {
  Candidate,
  DependenciesResult,
  DependencyProvider,
  UrlMetadataResult,
  VersionsResult,
} from "./provider.ts";
export { RegistryProvider, type RegistryProviderOptions } from "./registry-provider.ts";
export { formatRange, NoSolutionError, type ReportContext } from "./report.ts";
export { type ResolverTarget, targetFromInterpreter } from "./resolver-target.ts";
export { resolve, type SolvedPackage, type SolverResult } from "./solver.ts";
export { Term } from "./term.ts";
