export { HashingFileSink } from "./download-sink.ts";
export { HttpClient } from "./http-client.ts";
export { RegistryClient } from "./registry-client.ts";
