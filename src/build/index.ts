export type { BuildSource, Revision, StampedFile } from "./built-wheel-cache.ts";
export {
  type BuildHook,
  buildFailureHint,
  Pep517Backend,
  type Pep517BackendOptions,
} from "./pep517-backend.ts";
export {
  type BuildSystem,
  LEGACY_BACKEND,
  LEGACY_REQUIRES,
  type PyprojectToml,
  parsePyproject,
  readPyproject,
} from "./pyproject.ts";
export { extractSdist } from "./sdist-archive.ts";
export { type BuildKind, SourceBuild, type SourceBuildOptions } from "./source-build.ts";
export {
  type BuiltWheel,
  buildEditable,
  builtWheel,
  cachedBuiltWheel,
  type EditableBuildOptions,
  type SourceMetadata,
  sourceMetadata,
} from "./source-dist.ts";
export { metadataFromProject, readStaticMetadata } from "./static-metadata.ts";
