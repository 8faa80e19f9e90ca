export {
  ARCHIVE_ENTRIES_VARIABLE,
  ARCHIVE_SIZE_VARIABLE,
  ArchiveBudget,
  type ArchiveLimits,
  archiveTooLarge,
  archiveTooManyEntries,
  DEFAULT_ARCHIVE_LIMITS,
} from "./archive-limits.ts";
export { ArchivePaths } from "./archive-paths.ts";
export {
  createTempDirectory,
  publishDirectory,
  tempName,
  tempNameOwner,
  writeFileAtomic,
  writeUserFile,
} from "./atomic-write.ts";
export { readFileUpTo, readFileUpToSync, readStreamUpTo } from "./bounded-read.ts";
export { isTruthy } from "./env-flag.ts";
export { errorChain, PuffinError } from "./error.ts";
export { type ErrorCode, errorCategory } from "./error-codes.ts";
export { FileLock, type LockOptions } from "./file-lock.ts";
export {
  addRemoval,
  emptyRemoval,
  isDirectory,
  type Removal,
  removeTree,
  treeSize,
} from "./file-tree.ts";
export { formatSize } from "./format-size.ts";
export { describeSystemError, fsError, isFsFault, makeDirectorySync } from "./fs-error.ts";
export { type LogLevel, log, setLogSink } from "./log.ts";
export { OnceMap } from "./once-map.ts";
export { isProcessAlive } from "./process-liveness.ts";
export {
  credentialRedactions,
  redactCredentials,
  redactedOffset,
  stripCredentials,
} from "./redact.ts";
export { checkSafeFileName, unsafeFileNameReason } from "./safe-file-name.ts";
export { Semaphore } from "./semaphore.ts";
export { shQuote } from "./shell-quote.ts";
