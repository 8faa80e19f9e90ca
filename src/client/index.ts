export { HashingFileSink } from "./download-sink.ts";
export { HttpClient } from "./http-client.ts";
export { type IndexListing, type PackageFiles, RegistryClient } from "./registry-client.ts";
