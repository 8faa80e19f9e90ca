export { MetadataHeaders } from "./metadata-headers.ts";
