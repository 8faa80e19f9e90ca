export { compileBytecode } from "./compile-bytecode.ts";
export {
  checkEnvironment,
  type EnvironmentDiagnostic,
  installedRequirements,
} from "./environment-check.ts";
export { lockEnvironment } from "./environment-lock.ts";
export {
  type InstallOptions,
  type InstallOutcome,
  type InstallReporter,
  type InstallRequest,
  type InstallTimings,
  install,
} from "./install.ts";
export { environmentLockPath, type InstallLayout, layoutFor } from "./install-layout.ts";
export type { InstalledWheel, WheelInstall } from "./install-wheel.ts";
export { LINK_MODES, Linker, type LinkMode, parseLinkMode } from "./link-mode.ts";
export { diffEnvironment, type EnvironmentDiff, type PlanOptions, plan } from "./plan.ts";
export { type PrepareReporter, Preparer } from "./preparer.ts";
export { protectedPathReason } from "./protected-paths.ts";
export { type Reified, type ReifyOptions, reify } from "./reify.ts";
export { launcherScript, rewriteShebang, shebangFor } from "./scripts.ts";
export {
  type InstalledFile,
  installedFiles,
  installedMetadata,
  SitePackages,
} from "./site-packages.ts";
export { EnvironmentTransaction, recoverEnvironment, transactionPath } from "./transaction.ts";
export { type Uninstalled, type UninstallOptions, uninstall } from "./uninstall.ts";
export {
  parseScriptEntryPoints,
  parseWheelInfo,
  type ScriptEntryPoint,
  type WheelInfo,
} from "./wheel-info.ts";
