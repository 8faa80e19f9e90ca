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
  type Lenient,
  parseLenientRequirement,
  parseLenientVersionSpecifiers,
} from "./lenient-requirement.ts";
export { MetadataHeaders } from "./metadata-headers.ts";
