export {
  isDynamic,
  isStaticForResolution,
  type Metadata,
  parseCoreMetadata,
} from "./core-metadata.ts";
export {
  type ArchiveDirectUrl,
  type DirDirectUrl,
  type DirectUrl,
  parseDirectUrl,
  redactDirectUrl,
  serializeDirectUrl,
  type VcsDirectUrl,
} from "./direct-url.ts";
export {
  type FlatIndex,
  flatIndexFromDirectory,
  parseFlatIndexHtml,
  readFlatIndexDirectory,
} from "./flat-index.ts";
export {
  type AllowedHashes,
  type Digests,
  digestsOf,
  fileDigests,
  HashPolicy,
  type HashPolicyInit,
  type HashVerdict,
  isComputableHash,
  parseHashOptions,
  StreamHasher,
} from "./hash-policy.ts";
export { decodeHtmlEntities } from "./html-entities.ts";
export { type HtmlLink, type HtmlLinkPage, parseHtmlLinks } from "./html-links.ts";
export {
  type Lenient,
  parseLenientRequirement,
  parseLenientVersionSpecifiers,
} from "./lenient-requirement.ts";
export { MetadataHeaders } from "./metadata-headers.ts";
export {
  formatRecordRow,
  invalidRecordFields,
  parseCsvRows,
  parseRecord,
  RecordCheck,
  type RecordEntry,
  recordHash,
  recordMismatch,
} from "./record.ts";
export {
  type CoreMetadata,
  checkApiVersion,
  type FileHashes,
  filenameFromUrl,
  SIMPLE_API_ACCEPT,
  SIMPLE_HTML_MEDIA_TYPE,
  SIMPLE_JSON_MEDIA_TYPE,
  type SimpleFile,
  type SimpleIndex,
  type SimpleMeta,
  type SimpleProject,
  SUPPORTED_API_VERSION,
  simpleResponseFormat,
  splitHashFragment,
  type Yanked,
} from "./simple-file.ts";
export {
  parseSimpleHtmlIndex,
  parseSimpleHtmlProject,
  type SimpleHtmlOptions,
  simpleFileFromLink,
} from "./simple-html.ts";
export {
  parseSimpleJsonIndex,
  parseSimpleJsonProject,
  type SimpleJsonOptions,
} from "./simple-json.ts";
