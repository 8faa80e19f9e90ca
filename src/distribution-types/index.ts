export type { CachedDist } from "./cached-dist.ts";
export {
  type DirectDist,
  type DirectSource,
  type Dist,
  directoryUrl,
  directUrlOf,
  type GitCheckout,
  isBuiltDist,
  isEditable,
  isRegistryDist,
  type RegistryDist,
  registryDistOf,
  shownUrl,
  statedHashes,
} from "./dist.ts";
export {
  INDEX_STRATEGIES,
  type IndexStrategy,
  parseIndexSource,
  parseIndexStrategy,
} from "./index-strategy.ts";
export {
  describeFindLinks,
  type FindLinksLocation,
  IndexLocations,
  IndexUrl,
} from "./index-url.ts";
export type { InstalledDist, InstalledDistKind } from "./installed-dist.ts";
export {
  type CachedInstall,
  type Plan,
  planRemovals,
  type Reinstall,
  type ReinstallReason,
} from "./plan.ts";
export { describeOrigin, type FileOrigin, type RegistryFile } from "./registry-file.ts";
export { Resolution, type ResolvedDist } from "./resolution.ts";
