export { CacheBucket } from "./bucket.ts";
export { Cache, type CacheSettings } from "./cache.ts";
export {
  type CacheSource,
  cacheDigest,
  canonicalCacheUrl,
  fnvDigest,
  urlDigest,
} from "./cache-key.ts";
export { type FileStamp, fileStamp, isFileStamp, isStampCurrent } from "./file-stamp.ts";
export { readHttpEntry, writeHttpEntry } from "./http-entry.ts";
export { type EntrySchema, readJsonEntry, writeJsonEntry } from "./json-entry.ts";
export { cacheExists, cacheSize, clearCache, pruneCache, removePackages } from "./maintenance.ts";
export { type Refresh, refreshFromArgs } from "./refresh.ts";
