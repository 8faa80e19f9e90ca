export {
  isDynamic,
  isStaticForResolution,
  type Metadata,
  parseCoreMetadata,
} from "./core-metadata.ts";
export {
  type DirectUrl,
  parseDirectUrl,
  serializeDirectUrl,
  type VcsDirectUrl,
} from "./direct-url.ts";
export { type FlatIndex, parseFlatIndexHtml, readFlatIndexDirectory } from "./flat-index.ts";
export {
  type AllowedHashes,
  type Digests,
  digestsOf,
  fileDigests,
  HashPolicy,
  parseHashOptions,
  StreamHasher,
} from "./hash-policy.ts";
export { MetadataHeaders } from "./metadata-headers.ts";
export {
  formatRecordRow,
  parseRecord,
  RecordCheck,
  type RecordEntry,
  recordHash,
} from "./record.ts";
export {
  type FileHashes,
  filenameFromUrl,
  preferredHash,
  SIMPLE_API_ACCEPT,
  type SimpleFile,
  type SimpleProject,
  simpleResponseFormat,
  splitHashFragment,
} from "./simple-file.ts";
export { parseSimpleHtmlProject, simpleFileFromLink } from "./simple-html.ts";
export { parseSimpleJsonProject } from "./simple-json.ts";
