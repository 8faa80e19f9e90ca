export { pipCompile } from "./pip-compile.ts";
export { pipInstall } from "./pip-install.ts";
export { pipSync } from "./pip-sync.ts";
export type { LockSelection } from "./pylock-install.ts";
export type { OperationReporter } from "./reporter.ts";
export type { AnnotationStyle } from "./requirements-output.ts";
export type { ResolutionWarning } from "./resolution-warnings.ts";
export { seedEnvironment } from "./seed.ts";
export type {
  BinarySelection,
  BuildSettings,
  GroupRequest,
  IndexSettings,
  InstallerSettings,
  PythonSettings,
  ResolverSettings,
  SessionSettings,
  SourceSettings,
  UpgradeSettings,
} from "./settings.ts";
