export {
  type DatabaseReporter,
  DistributionDatabase,
  type DistributionDatabaseOptions,
  type LocalWheel,
} from "./database.ts";
export { assertHashable, HashStrategy } from "./hash-strategy.ts";
export { staticName } from "./static-name.ts";
export { type UnzipWheelOptions, unzipWheel } from "./unzip-wheel.ts";
export {
  type DownloadProgress,
  type FetchedWheel,
  WheelFetcher,
  type WheelFetcherOptions,
  type WheelRequest,
  type WheelSource,
} from "./wheel-archives.ts";
