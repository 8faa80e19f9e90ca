export { CachedClient, type CachedRequest } from "./cached-client.ts";
export {
  basicAuthorization,
  CredentialStore,
  type Credentials,
  realmOf,
  splitUrlCredentials,
} from "./credentials.ts";
export { type DownloadResult, type DownloadSink, HashingFileSink } from "./download-sink.ts";
export {
  type DownloadInit,
  type GetInit,
  HttpClient,
  type HttpClientOptions,
  MAX_REDIRECTS,
  timeoutFromEnv,
} from "./http-client.ts";
export { type ByteRange, HttpError, type HttpResponse, rangeHeader } from "./http-response.ts";
export { loadNetrc, Netrc, type NetrcEntry, netrcPath, parseNetrc } from "./netrc.ts";
export { caCertificates, type ProxySettings, proxySettings } from "./network-agent.ts";
export {
  type PackageFiles,
  RegistryClient,
  type RegistryClientOptions,
} from "./registry-client.ts";
export { openRemoteZip } from "./remote-zip-source.ts";
export { backoffMs, isRetryableStatus, retryAfterMs } from "./retry.ts";
export { WheelMetadataClient, type WheelMetadataClientOptions } from "./wheel-metadata.ts";
