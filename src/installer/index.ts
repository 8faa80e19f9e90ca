export {
  checkEnvironment,
  type EnvironmentDiagnostic,
  installedRequirements,
} from "./environment-check.ts";
export {
  type FetchedWheel,
  WheelFetcher,
  type WheelFetcherOptions,
  type WheelRequest,
  type WheelSource,
} from "./fetch-wheel.ts";
export { InstallJournal } from "./install-journal.ts";
export { environmentLockPath, type InstallLayout, layoutFor } from "./install-layout.ts";
export {
  type InstalledWheel,
  installWheel,
  type WheelInstall,
  type WheelInstallContext,
} from "./install-wheel.ts";
export { type InstallWheelsOptions, installWheels, lockEnvironment } from "./install-wheels.ts";
export { LINK_MODES, Linker, type LinkMode, parseLinkMode } from "./link-mode.ts";
export { type PlanOptions, plan } from "./plan.ts";
export { protectedPathReason } from "./protected-paths.ts";
export {
  formatRecordRow,
  invalidRecordFields,
  parseCsvRows,
  parseRecord,
  type RecordEntry,
  recordHash,
  recordMismatch,
} from "./record.ts";
export { launcherScript, rewriteShebang, shebangFor } from "./scripts.ts";
export {
  type InstalledFile,
  installedFiles,
  installedMetadata,
  SitePackages,
} from "./site-packages.ts";
export { type Uninstalled, type UninstallOptions, uninstall } from "./uninstall.ts";
export { type UnzipWheelOptions, unzipWheel } from "./unzip-wheel.ts";
export {
  parseScriptEntryPoints,
  parseWheelInfo,
  type ScriptEntryPoint,
  type WheelInfo,
} from "./wheel-info.ts";
