export { planTailRead, ZIP_TAIL_SIZE, ZipArchive, type ZipEntry } from "./archive.ts";
export { BufferZipSource, FileZipSource, type SyncZipSource, type ZipSource } from "./source.ts";
export { readWheelMetadata, readWheelMetadataSync } from "./wheel-metadata.ts";
export { writeEntry } from "./write-entry.ts";
