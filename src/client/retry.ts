/**
 * When and how long to wait before retrying a GET (an idempotent request, RFC 9110 §9.2.2).
 *
 * Retried: connection failures (refused, reset, closed early, DNS hiccups), timeouts, `5xx`
 * except `501 Not Implemented` and `505` (retrying cannot change them), `429 Too Many
 * Requests`, and a body that breaks off after the headers (reset, truncated, stalled; see
 * `response-body.ts`). A server's `Retry-After` (RFC 9110 §10.2.3) is honoured, capped at
 * `MAX_RETRY_AFTER_MS`; otherwise the delay grows exponentially with "equal jitter" (half fixed,
 * half random) so that many clients failing together do not retry in lockstep.
 */

/** The longest `Retry-After` Puffin waits; a server asking for more gets this. */
export const MAX_RETRY_AFTER_MS = 60_000;
/** The longest exponential delay. */
export const MAX_BACKOFF_MS = 10_000;

export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** Error codes of Node and undici that mean the connection failed and a retry may succeed. */
const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
]);

/** Error codes that mean a timeout (reported as `http-timeout`). */
const TIMEOUT_CODES = new Set([
  "ETIMEDOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/**
 * A try that failed in a way the next try may not: thrown inside `HttpClient`'s retry loop,
 * never out of it. `summary` says what happened (for the debug log); `giveUp(retries)` is the
 * error to report when no try is left, `retries` being the number of retries made.
 */
export class TransientFailure extends Error {
  override readonly name = "TransientFailure";

  constructor(
    readonly summary: string,
    readonly giveUp: (retries: number) => Error,
    /** The delay the server asked for (`Retry-After`), if any. */
    readonly retryAfterMs?: number,
  ) {
    super(summary);
  }
}

/** ` (after 2 retries)`, or nothing when there was none. */
export function afterRetries(retries: number): string {
  if (retries === 0) return "";
  return ` (after ${retries} ${retries === 1 ? "retry" : "retries"})`;
}

/** Every `code` along an error's cause chain (undici wraps system errors). */
export function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  const seen = new Set<unknown>();
  for (let current = error; current instanceof Error && !seen.has(current); ) {
    seen.add(current);
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === "string") codes.push(code);
    current = current.cause;
  }
  return codes;
}

export function isTransientError(error: unknown): boolean {
  return errorCodes(error).some((code) => TRANSIENT_CODES.has(code));
}

export function isTimeoutError(error: unknown): boolean {
  return errorCodes(error).some((code) => TIMEOUT_CODES.has(code));
}

/**
 * The delay a `Retry-After` value asks for, in milliseconds: delay-seconds or an HTTP-date
 * (relative to `now`); `undefined` when absent or unreadable.
 */
export function retryAfterMs(
  value: string | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, MAX_RETRY_AFTER_MS);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - now), MAX_RETRY_AFTER_MS);
}

/**
 * The delay before retry number `attempt` (0 for the first retry): `base · 2^attempt`, capped at
 * `MAX_BACKOFF_MS`, of which a random half. `random` is injectable for tests.
 */
export function backoffMs(
  attempt: number,
  baseMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** attempt);
  return ceiling / 2 + (ceiling / 2) * random();
}
