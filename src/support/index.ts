export {
  ARCHIVE_ENTRIES_VARIABLE,
  ARCHIVE_SIZE_VARIABLE,
  ArchiveBudget,
  type ArchiveLimits,
  archiveTooLarge,
  archiveTooManyEntries,
  DEFAULT_ARCHIVE_LIMITS,
} from "./archive-limits.ts";
export { type ArchivePathKind, ArchivePaths } from "./archive-paths.ts";
export {
  type AtomicWriteOptions,
  createTempDirectory,
  type PublishOutcome,
  publishDirectory,
  tempName,
  tempNameOwner,
  writeFileAtomic,
  writeUserFile,
} from "./atomic-write.ts";
export { readFileUpTo, readFileUpToSync, readStreamUpTo } from "./bounded-read.ts";
export { errorChain, PuffinError } from "./error.ts";
export {
  ERROR_CATEGORIES,
  ERROR_CODES,
  type ErrorCategory,
  type ErrorCode,
  type ErrorCodeInfo,
  errorCategory,
} from "./error-codes.ts";
export { FileLock, type LockHolder, type LockOptions } from "./file-lock.ts";
export { addRemoval, emptyRemoval, type Removal, removeTree, treeSize } from "./file-tree.ts";
export {
  describeSystemError,
  type FsArea,
  type FsErrorContext,
  type FsFaultCode,
  fsError,
  isFsFault,
  makeDirectory,
  makeDirectorySync,
  systemErrorCode,
  systemErrorPath,
} from "./fs-error.ts";
export { type LogLevel, type LogSink, log, setLogSink } from "./log.ts";
export { OnceMap } from "./once-map.ts";
export { isProcessAlive } from "./process-liveness.ts";
export {
  credentialRedactions,
  type Redaction,
  redactCredentials,
  redactedOffset,
  stripCredentials,
} from "./redact.ts";
export {
  checkSafeFileName,
  MAX_FILE_NAME_BYTES,
  unsafeFileNameReason,
} from "./safe-file-name.ts";
export { Semaphore } from "./semaphore.ts";
export { shQuote } from "./shell-quote.ts";
