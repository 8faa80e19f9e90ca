export { CACHE_BUCKETS, CacheBucket, PER_PACKAGE_BUCKETS } from "./bucket.ts";
export {
  CACHEDIR_TAG,
  CACHEDIR_TAG_FILE,
  Cache,
  type CacheDirSettings,
  type CacheSettings,
  GITIGNORE_FILE,
  LOCK_FILE,
  resolveCacheDir,
} from "./cache.ts";
export {
  type CacheSource,
  cacheDigest,
  canonicalCacheUrl,
  fnvDigest,
  sourceKey,
  urlDigest,
} from "./cache-key.ts";
export { type FileStamp, fileStamp, isFileStamp, isStampCurrent } from "./file-stamp.ts";
export { type HttpCacheEntry, readHttpEntry, writeHttpEntry } from "./http-entry.ts";
export { type CachedEntry, type EntrySchema, readJsonEntry, writeJsonEntry } from "./json-entry.ts";
export {
  cacheExists,
  cacheSize,
  clearCache,
  type MaintenanceOptions,
  pruneCache,
  removePackages,
} from "./maintenance.ts";
export { mustRevalidate, type Refresh, type RefreshArgs, refreshFromArgs } from "./refresh.ts";
