export type { CachedDist } from "./cached-dist.ts";
export type { DesiredDist, DistSource } from "./dist-source.ts";
export {
  type InstalledDist,
  type InstalledDistKind,
  installedDistLabel,
} from "./installed-dist.ts";
export type { CachedInstall, Plan, Reinstall, ReinstallReason } from "./plan.ts";
