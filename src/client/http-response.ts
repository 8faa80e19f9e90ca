import { PuffinError } from "../support/index.ts";

/**
 * A response with its body. Over HTTP the body has already been read whole, within the request's
 * retries (a body that breaks off is fetched again); `file://` bodies are read from disk when
 * asked. A body too large to hold in memory is streamed with `HttpClient.download` instead.
 *
 * For a ranged request, `status` says what the server did: `206` with the asked part, or `200`
 * with the whole body when the server ignores `Range` (callers that read a part then slice it
 * themselves).
 */
export interface HttpResponse {
  /** The final URL after redirects, without credentials. */
  readonly url: string;
  readonly status: number;
  /** Header names in lower case; repeated headers joined with `, `. */
  readonly headers: Record<string, string>;
  bytes(): Promise<Uint8Array>;
  text(): Promise<string>;
}

/**
 * A request that got an error status (after retries), or a `file://` URL that does not exist
 * (status 404). `status` lets callers tell "not on this index" (404) from a failure.
 */
export class HttpError extends PuffinError {
  override readonly name = "HttpError";

  constructor(
    readonly url: string,
    readonly status: number,
    message: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super("http-error", message, options);
  }
}

/** `Range` header value for a request part. */
/** `end` is inclusive, as in HTTP; `suffix` asks for the last bytes. */
export type ByteRange = { start: number; end?: number } | { suffix: number };

export function rangeHeader(range: ByteRange): string {
  if ("suffix" in range) return `bytes=-${range.suffix}`;
  return `bytes=${range.start}-${range.end ?? ""}`;
}

/** Headers with lower-case names (HTTP names are case-insensitive; caches compare them as keys). */
export function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = value;
  return result;
}
