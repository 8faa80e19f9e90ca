export { compileBytecode } from "./compile-bytecode.ts";
export {
  checkEnvironment,
  type EnvironmentDiagnostic,
  installedRequirements,
} from "./environment-check.ts";
export {
  type InstallOutcome,
  type InstallReporter,
  type InstallRequest,
  install,
} from "./install.ts";
export { layoutFor } from "./install-layout.ts";
export { type LinkMode, parseLinkMode } from "./link-mode.ts";
export { installedFiles, SitePackages } from "./site-packages.ts";
export { transactionPath } from "./transaction.ts";
export { type Uninstalled, type UninstallOptions, uninstall } from "./uninstall.ts";
