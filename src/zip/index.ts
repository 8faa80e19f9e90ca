export {
  planTailRead,
  type ReadRequest,
  WHOLE_READ_LIMIT,
  ZIP_TAIL_SIZE,
  ZipArchive,
  type ZipEntry,
  type ZipOpenOptions,
  type ZipReadOptions,
} from "./archive.ts";
export { crc32 } from "./crc32.ts";
export {
  BufferZipSource,
  FileZipSource,
  type FileZipSourceOptions,
  type SyncZipSource,
  type ZipSource,
} from "./source.ts";
export {
  findWheelMetadata,
  MAX_METADATA_SIZE,
  readWheelMetadata,
  readWheelMetadataSync,
  type WheelMetadata,
  type WheelMetadataEntry,
} from "./wheel-metadata.ts";
export { type WriteEntryOptions, writeEntry } from "./write-entry.ts";
