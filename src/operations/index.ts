export type { RequirementOrigin, SourceAnnotation } from "./annotations.ts";
export {
  type CompileOutputSettings,
  type PipCompileRequest,
  type PipCompileResult,
  pipCompile,
} from "./pip-compile.ts";
export {
  environmentDiagnostics,
  type PipInstallRequest,
  type PipInstallResult,
  pipInstall,
} from "./pip-install.ts";
export { type PipSyncRequest, type PipSyncResult, pipSync } from "./pip-sync.ts";
export { environmentInterpreter, targetInterpreter } from "./python.ts";
export type { OperationReporter } from "./reporter.ts";
export { type AnnotationStyle, renderRequirementsTxt } from "./requirements-output.ts";
export { seedEnvironment } from "./seed.ts";
export { Session } from "./session.ts";
export {
  type BinarySelection,
  type BuildSettings,
  type FileIndexOptions,
  type IndexSettings,
  type InstallerSettings,
  type Invocation,
  type PythonSettings,
  type ResolverSettings,
  type SessionSettings,
  type SourceSettings,
  type UpgradeSettings,
  withFileIndexOptions,
} from "./settings.ts";
