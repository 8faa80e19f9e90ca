export {
  type ArchiveDirectUrl,
  type DirDirectUrl,
  type DirectUrl,
  parseDirectUrl,
  redactDirectUrl,
  serializeDirectUrl,
  type VcsDirectUrl,
} from "./direct-url.ts";
export { MetadataHeaders } from "./metadata-headers.ts";
