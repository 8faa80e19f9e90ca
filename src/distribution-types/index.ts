export type { CachedDist } from "./cached-dist.ts";
export type { DesiredDist, DistSource } from "./dist-source.ts";
export {
  DEFAULT_INDEX_URL,
  describeFindLinks,
  type FindLinksLocation,
  type IndexArgs,
  IndexLocations,
  type IndexLocationsSettings,
  IndexUrl,
  parseFindLinks,
} from "./index-url.ts";
export {
  type InstalledDist,
  type InstalledDistKind,
  installedDistLabel,
} from "./installed-dist.ts";
export type { CachedInstall, Plan, Reinstall, ReinstallReason } from "./plan.ts";
export { describeOrigin, type FileOrigin, type RegistryFile } from "./registry-file.ts";
