import { STATUS_CODES } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { Dispatcher } from "undici";
import { log, PuffinError, redactCredentials } from "../support/index.ts";
import {
  basicAuthorization,
  CredentialStore,
  type Credentials,
  splitUrlCredentials,
} from "./credentials.ts";
import type { DownloadResult, DownloadSink } from "./download-sink.ts";
import { fileResponse } from "./file-response.ts";
import {
  type ByteRange,
  HttpError,
  type HttpResponse,
  lowerCaseKeys,
  rangeHeader,
} from "./http-response.ts";
import { loadNetrc, netrcPath } from "./netrc.ts";
import { createDispatcher } from "./network-agent.ts";
import {
  announcedLength,
  type BodyProblem,
  bodyProblem,
  bodyProblemCode,
  describeBodyProblem,
  parseContentRange,
} from "./response-body.ts";
import {
  afterRetries,
  backoffMs,
  isRetryableStatus,
  isTimeoutError,
  isTransientError,
  retryAfterMs,
  TransientFailure,
} from "./retry.ts";

/**
 * The response body buffer. undici 7 pauses its HTTP/1 parser when the body stream's buffer is
 * full, and crashes the process with an uncatchable `assert(!this.paused)` when the server then
 * closes the connection (HTTP/1.0, `Connection: close`: `python -m http.server`, say) before the
 * body is read (https://github.com/nodejs/undici/issues/5360, fixed only in undici 8, which needs
 * Node 22). A buffer this large never reports backpressure, so the parser never pauses: a body
 * read more slowly than it arrives waits in memory instead.
 */
const BODY_BUFFER_BYTES = 2 ** 30;

export interface HttpClientOptions {
  /** Per-request timeout (connect, headers, and idle time between body chunks), in ms. Default: `PUFFIN_HTTP_TIMEOUT` seconds, else 30 s. */
  timeoutMs?: number;
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** The environment for proxies, `SSL_CERT_FILE`, `NETRC`, `PUFFIN_HTTP_TIMEOUT` (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** The netrc file (default `NETRC`, else `~/.netrc`). */
  netrcPath?: string;
  /** `--offline`: never send a request (`file://` URLs are still read). */
  offline?: boolean;
  /** Connections kept per origin (default 10). */
  maxConnectionsPerHost?: number;
  /** The base of the exponential backoff between retries, in ms (default 250). */
  retryDelayMs?: number;
  /** The `User-Agent` header (default `puffin`). */
  userAgent?: string;
}

export interface GetInit {
  headers?: Record<string, string>;
  /** A byte range (`end` inclusive, as in HTTP); see `HttpResponse` for servers that ignore it. */
  range?: ByteRange;
  /** Aborting rejects with the signal's reason; an aborted request is never retried. */
  signal?: AbortSignal;
}

export interface DownloadInit {
  headers?: Record<string, string>;
  /** Aborting rejects with the signal's reason; an aborted download is never retried. */
  signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_S = 30;
const DEFAULT_RETRIES = 3;
const DEFAULT_CONNECTIONS = 10;
const DEFAULT_RETRY_DELAY_MS = 250;
/** Redirects followed per request, as browsers and pip do (pip: 30; curl: 50; we need few). */
export const MAX_REDIRECTS = 10;

const AUTH_HINT =
  "Put credentials in the index URL (https://user:password@host/…) or in ~/.netrc (or the file NETRC names).";
const TIMEOUT_HINT = "Set PUFFIN_HTTP_TIMEOUT to a larger number of seconds if the server is slow.";

/** A request's bare URL with what every try needs. */
interface Target {
  readonly url: URL;
  readonly store: CredentialStore;
  readonly dispatcher: Dispatcher;
}

/** Where a download stands between tries. */
interface DownloadState {
  /** Bytes the sink holds. */
  received: number;
  /** The body's length, once a full response announced it. */
  total: number | undefined;
  /** The strong validator (`ETag` or `Last-Modified`) to resume with, if the server allows. */
  validator: string | undefined;
}

/**
 * Puffin's one HTTP client: GET with retries, timeouts, proxies, per-realm credentials and
 * redirects; `file://` URLs served from disk with the same interface. See `retry.ts` for what is
 * retried, `credentials.ts` for where credentials go, `network-agent.ts` for the connection pool.
 *
 * Retries cover the whole transfer, not only the request: a body that is reset, truncated
 * (shorter than its `Content-Length` or `Content-Range`) or stalls is a failed try like a
 * refused connection, within the same `retries`. `get` reads the body whole inside its tries, so
 * its callers never see a broken one; `download` streams into a `DownloadSink` and resumes a
 * broken body with a range request (see `download`).
 *
 * Credentials are taken out of the URL before anything else happens: the request line, logs,
 * errors and `HttpResponse.url` only ever see the bare URL, and the `Authorization` header goes
 * to the URL's realm only (a redirect elsewhere drops it).
 */
export class HttpClient {
  readonly offline: boolean;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly #options: HttpClientOptions;
  readonly #env: NodeJS.ProcessEnv;
  #dispatcher: Promise<Dispatcher> | undefined;
  #credentials: Promise<CredentialStore> | undefined;
  /** Credentials of configured locations, not yet in the store (see `rememberCredentials`). */
  readonly #configured: [URL, Credentials][] = [];

  private constructor(options: HttpClientOptions, timeoutMs: number) {
    this.#options = options;
    this.#env = options.env ?? process.env;
    this.offline = options.offline ?? false;
    this.timeoutMs = timeoutMs;
    this.retries = options.retries ?? DEFAULT_RETRIES;
  }

  static create(options: HttpClientOptions = {}): HttpClient {
    return new HttpClient(options, options.timeoutMs ?? timeoutFromEnv(options.env ?? process.env));
  }

  /**
   * GETs `url` and reads its body whole. Each try is the request, its redirects and the body:
   * a try that fails in a way another may not (see `retry.ts`) is repeated from the start.
   */
  async get(url: URL | string, init: GetInit = {}): Promise<HttpResponse> {
    const parsed = parseUrl(url);
    if (parsed.protocol === "file:") return fileResponse(parsed, init.range);
    const target = await this.#target(parsed);
    const headers = this.#requestHeaders(init.headers);
    if (init.range !== undefined) headers["range"] = rangeHeader(init.range);
    return this.#retrying(target.url, init.signal, async () => {
      const { url: final, response } = await this.#exchange(target, headers, init.signal);
      const parts: Uint8Array[] = [];
      const status = response.statusCode;
      const responseHeaders = flatHeaders(response.headers);
      await this.#readBody(final, response, {
        offset: 0,
        total: announcedLength(status, responseHeaders),
        verb: "fetch",
        signal: init.signal,
        write: (chunk) => {
          parts.push(chunk);
        },
      });
      const body = concat(parts);
      return {
        url: final.href,
        status,
        headers: responseHeaders,
        bytes: async () => body,
        text: async () => new TextDecoder().decode(body),
      };
    });
  }

  /**
   * Streams the body of `url` into `sink`, for files too large to hold in memory (wheels,
   * sdists). A try that breaks off mid-body is resumed where it stopped with `Range: bytes=N-`,
   * guarded by `If-Range` with the first response's strong validator (its `ETag`, else a strong
   * `Last-Modified`) so that a file changed in between is never spliced; a server that answers
   * `200` (it ignores ranges, or the file changed), or that offers no validator, sends the whole
   * body again and the sink is `reset` first. Only a `2xx` body is written; anything else is an
   * error. https://www.rfc-editor.org/rfc/rfc9110#name-if-range
   */
  async download(
    url: URL | string,
    sink: DownloadSink,
    init: DownloadInit = {},
  ): Promise<DownloadResult> {
    const parsed = parseUrl(url);
    if (parsed.protocol === "file:") {
      const response = await fileResponse(parsed, undefined);
      let size = 0;
      for await (const chunk of response.chunks()) {
        await sink.write(chunk);
        size += chunk.length;
      }
      return { url: response.url, size };
    }
    const target = await this.#target(parsed);
    const state: DownloadState = { received: 0, total: undefined, validator: undefined };
    return this.#retrying(target.url, init.signal, () =>
      this.#downloadTry(target, sink, state, init),
    );
  }

  /**
   * Remembers the credentials in a configured location's URL (an index, a find-links page) for
   * its realm before any request: the files its pages link to are fetched with them even when
   * the pages themselves come from the cache and the location is never requested in this run.
   */
  rememberCredentials(url: string): void {
    const parsed = URL.parse(url);
    if (parsed === null) return;
    const { url: bare, credentials } = splitUrlCredentials(parsed);
    if (credentials !== undefined) this.#configured.push([bare, credentials]);
  }

  /** Closes pooled connections (waiting for requests in flight); a later request opens new ones. */
  async close(): Promise<void> {
    const dispatcher = this.#dispatcher;
    this.#dispatcher = undefined;
    if (dispatcher !== undefined) await (await dispatcher).close();
  }

  /** One try of `download`: a fresh request, or the rest of the body after a broken one. */
  async #downloadTry(
    target: Target,
    sink: DownloadSink,
    state: DownloadState,
    init: DownloadInit,
  ): Promise<DownloadResult> {
    const headers = this.#requestHeaders(init.headers);
    const resumeFrom = state.validator === undefined ? 0 : state.received;
    if (resumeFrom > 0 && state.validator !== undefined) {
      headers["range"] = `bytes=${resumeFrom}-`;
      headers["if-range"] = state.validator;
    }
    const { url, response } = await this.#exchange(target, headers, init.signal);
    const status = response.statusCode;
    const responseHeaders = flatHeaders(response.headers);
    let offset = 0;
    if (status === 206 && resumeFrom > 0) {
      const range = parseContentRange(responseHeaders["content-range"]);
      if (
        range === undefined ||
        range.start !== resumeFrom ||
        range.end !== range.size - 1 ||
        (state.total !== undefined && range.size !== state.total)
      ) {
        await discard(response);
        // Not the rest of the file the sink holds: the next try starts over, without a range.
        state.validator = undefined;
        const got = JSON.stringify(responseHeaders["content-range"] ?? null);
        const summary = `resuming at byte ${resumeFrom} got Content-Range ${got}`;
        throw new TransientFailure(
          summary,
          (retries) =>
            new PuffinError(
              "http-invalid-range",
              `Failed to download ${url.href}: ${summary}${afterRetries(retries)}`,
            ),
        );
      }
      log.debug(() => `Resuming ${url.href} at byte ${resumeFrom} of ${range.size}`);
      offset = resumeFrom;
      state.total = range.size;
    } else if (status >= 200 && status < 300 && status !== 206) {
      if (state.received > 0) {
        log.debug(
          () =>
            `Restarting ${url.href} from byte 0 (HTTP ${status}: ${resumeFrom > 0 ? "the server ignored the range, or the file changed" : "the server offers no way to resume"})`,
        );
        await sink.reset();
        state.received = 0;
      }
      state.total = announcedLength(status, responseHeaders);
      state.validator =
        responseHeaders["accept-ranges"]?.trim().toLowerCase() === "none"
          ? undefined
          : rangeValidator(responseHeaders);
    } else {
      await discard(response);
      const reason = STATUS_CODES[status];
      throw new HttpError(
        url.href,
        status,
        `Failed to download ${url.href}: unexpected HTTP ${status}${reason ? ` ${reason}` : ""}`,
      );
    }
    await this.#readBody(url, response, {
      offset,
      total: state.total,
      verb: "download",
      signal: init.signal,
      write: async (chunk) => {
        await sink.write(chunk);
        state.received += chunk.length;
      },
    });
    return { url: url.href, size: state.received };
  }

  /** Parses what every try of a request to `url` shares, and refuses what cannot be sent. */
  async #target(url: URL): Promise<Target> {
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new PuffinError(
        "http-error",
        `Unsupported URL scheme ${url.protocol} in ${redactCredentials(url.href)}`,
      );
    }
    const { url: bare, credentials } = splitUrlCredentials(url);
    if (this.offline) {
      throw new PuffinError(
        "offline-not-cached",
        `Network access is disabled (offline mode), so ${bare.href} cannot be fetched`,
        { hint: "Run without --offline, or fetch it once while online to cache it." },
      );
    }
    const store = await this.#credentialStore();
    for (const [url, given] of this.#configured.splice(0)) store.remember(url, given);
    if (credentials !== undefined) store.remember(bare, credentials);
    return { url: bare, store, dispatcher: await this.#dispatcherOnce() };
  }

  #requestHeaders(given: Record<string, string> | undefined): Record<string, string> {
    return { "user-agent": this.#options.userAgent ?? "puffin", ...lowerCaseKeys(given ?? {}) };
  }

  /**
   * Runs `attempt` until it succeeds, throws something final, or `retries` retries are spent; a
   * `TransientFailure` is waited out (its `Retry-After`, else backoff) and logged at debug level.
   */
  async #retrying<T>(
    url: URL,
    signal: AbortSignal | undefined,
    attempt: () => Promise<T>,
  ): Promise<T> {
    const baseDelay = this.#options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    for (let retries = 0; ; retries++) {
      try {
        return await attempt();
      } catch (error) {
        signal?.throwIfAborted();
        if (!(error instanceof TransientFailure)) throw error;
        if (retries >= this.retries) throw error.giveUp(retries);
        const delay = error.retryAfterMs ?? backoffMs(retries, baseDelay);
        log.debug(
          () =>
            `Retrying ${url.href} in ${Math.round(delay)} ms (retry ${retries + 1} of ${this.retries}): ${error.summary}`,
        );
        await sleep(delay, undefined, { signal });
      }
    }
  }

  /**
   * One try's request and its redirects, up to a response that is not a redirect. An error
   * status is drained and thrown: a `TransientFailure` when retrying may help, else `HttpError`.
   */
  async #exchange(
    target: Target,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<{ url: URL; response: Dispatcher.ResponseData }> {
    const visited = new Set<string>();
    let current = target.url;
    for (let redirects = 0; ; redirects++) {
      const url = current;
      visited.add(url.href);
      const credentials = target.store.forUrl(url);
      const response = await this.#request(target.dispatcher, url, headers, credentials, signal);
      const status = response.statusCode;
      const location = headerValue(response.headers["location"]);
      if (status >= 300 && status < 400 && status !== 304 && location !== undefined) {
        await discard(response);
        const next = redirectTarget(url, status, location);
        if (redirects >= MAX_REDIRECTS) {
          const message = visited.has(next.href)
            ? `Redirect loop fetching ${target.url.href}: ${url.href} redirects (HTTP ${status}) to ${next.href}, which it already visited; gave up after ${MAX_REDIRECTS} redirects`
            : `Too many redirects (more than ${MAX_REDIRECTS}) fetching ${target.url.href}`;
          throw new HttpError(url.href, status, message);
        }
        log.debug(() => `Redirect ${status}: ${url.href} -> ${next.href}`);
        current = next;
        continue;
      }
      if (status >= 400) {
        await discard(response);
        const authenticated = credentials !== undefined;
        const failure = (retries: number) => statusError(url, status, authenticated, retries);
        if (!isRetryableStatus(status)) throw failure(0);
        const asked = retryAfterMs(headerValue(response.headers["retry-after"]));
        throw new TransientFailure(`HTTP ${status}`, failure, asked);
      }
      return { url, response };
    }
  }

  /** One HTTP request (no retries): a failure is a `TransientFailure` if retrying may help. */
  async #request(
    dispatcher: Dispatcher,
    url: URL,
    headers: Record<string, string>,
    credentials: Credentials | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Dispatcher.ResponseData> {
    const range = headers["range"] ? ` (${headers["range"]})` : "";
    try {
      const response = await dispatcher.request({
        origin: url.origin,
        path: url.pathname + url.search,
        method: "GET",
        headers:
          credentials === undefined
            ? headers
            : { ...headers, authorization: basicAuthorization(credentials) },
        signal: signal ?? null,
        highWaterMark: BODY_BUFFER_BYTES,
      });
      // `url` holds no credentials: they travel in the header, never in a message.
      log.debug(() => `GET ${url.href}${range}: ${response.statusCode}`);
      return response;
    } catch (error) {
      if (signal?.aborted) throw error;
      const failure = (retries: number) => this.#connectionError(url, error, retries);
      if (!isTransientError(error)) throw failure(0);
      const summary = isTimeoutError(error)
        ? `no response within ${formatSeconds(this.timeoutMs)}`
        : describe(error);
      throw new TransientFailure(summary, failure);
    }
  }

  /**
   * Reads a body into `write`, checking it arrives whole: `offset` bytes of `total` were held
   * before this response (a resumed download). A broken body is a `TransientFailure` naming what
   * happened; an error thrown by `write` ends the read and is thrown as it is.
   */
  async #readBody(
    url: URL,
    response: Dispatcher.ResponseData,
    options: {
      offset: number;
      total: number | undefined;
      verb: "fetch" | "download";
      signal: AbortSignal | undefined;
      write: (chunk: Uint8Array) => void | Promise<void>;
    },
  ): Promise<void> {
    const { offset, total, verb } = options;
    const iterator = (response.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
    let received = 0;
    let ended = false;
    try {
      for (;;) {
        let next: IteratorResult<Uint8Array>;
        try {
          next = await iterator.next();
        } catch (error) {
          ended = true;
          if (options.signal?.aborted) throw error;
          const problem = bodyProblem(error, {
            received: offset + received,
            total,
            idleMs: this.timeoutMs,
            reason: describe(error),
          });
          throw bodyFailure(url, verb, problem, error);
        }
        if (next.done) {
          ended = true;
          break;
        }
        received += next.value.length;
        await options.write(next.value);
      }
    } finally {
      // A sink that failed leaves the body unread: drop the connection rather than reuse it.
      if (!ended) response.body.destroy();
    }
    const got = offset + received;
    if (total !== undefined && got !== total) {
      const problem: BodyProblem =
        got < total
          ? { kind: "truncated", received: got, total }
          : {
              kind: "closed",
              received: got,
              total,
              reason: "more bytes than the headers announced",
            };
      throw bodyFailure(url, verb, problem, undefined);
    }
  }

  #connectionError(url: URL, error: unknown, retries: number): PuffinError {
    if (isTimeoutError(error)) {
      return new PuffinError(
        "http-timeout",
        `Request to ${url.href} timed out after ${formatSeconds(this.timeoutMs)}${afterRetries(retries)}`,
        { hint: TIMEOUT_HINT, cause: error },
      );
    }
    return new PuffinError(
      "http-connection",
      `Failed to connect to ${url.href}: ${describe(error)}${afterRetries(retries)}`,
      { cause: error },
    );
  }

  #dispatcherOnce(): Promise<Dispatcher> {
    this.#dispatcher ??= createDispatcher({
      timeoutMs: this.timeoutMs,
      maxConnectionsPerHost: this.#options.maxConnectionsPerHost ?? DEFAULT_CONNECTIONS,
      env: this.#env,
    });
    return this.#dispatcher;
  }

  #credentialStore(): Promise<CredentialStore> {
    this.#credentials ??= loadNetrc(this.#options.netrcPath ?? netrcPath(this.#env)).then(
      (netrc) => new CredentialStore(netrc),
    );
    return this.#credentials;
  }
}

/** A broken body as a failed try; when no try is left, an error with the problem's code. */
function bodyFailure(
  url: URL,
  verb: "fetch" | "download",
  problem: BodyProblem,
  cause: unknown,
): TransientFailure {
  const summary = describeBodyProblem(problem);
  return new TransientFailure(
    summary,
    (retries) =>
      new PuffinError(
        bodyProblemCode(problem),
        `Failed to ${verb} ${url.href}: ${summary}${afterRetries(retries)}`,
        {
          ...(problem.kind === "stalled" ? { hint: TIMEOUT_HINT } : {}),
          ...(cause === undefined ? {} : { cause }),
        },
      ),
  );
}

/**
 * The validator `If-Range` may carry (RFC 9110 §13.1.5): a strong `ETag`; else a `Last-Modified`
 * that is strong (§8.8.2.2: at least a second before the response's `Date`); else none.
 */
function rangeValidator(headers: Readonly<Record<string, string>>): string | undefined {
  const etag = headers["etag"]?.trim();
  if (etag !== undefined && etag !== "") return etag.startsWith("W/") ? undefined : etag;
  const lastModified = headers["last-modified"];
  const date = headers["date"];
  if (lastModified === undefined || date === undefined) return undefined;
  const modified = Date.parse(lastModified);
  const sent = Date.parse(date);
  if (Number.isNaN(modified) || Number.isNaN(sent) || sent - modified < 1000) return undefined;
  return lastModified;
}

/** `PUFFIN_HTTP_TIMEOUT` (seconds, may be fractional) in milliseconds. */
export function timeoutFromEnv(env: NodeJS.ProcessEnv): number {
  const value = env["PUFFIN_HTTP_TIMEOUT"];
  if (value === undefined || value.trim() === "") return DEFAULT_TIMEOUT_S * 1000;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new PuffinError(
      "invalid-http-timeout",
      `PUFFIN_HTTP_TIMEOUT must be a positive number of seconds, not ${JSON.stringify(value)}`,
    );
  }
  return seconds * 1000;
}

function parseUrl(url: URL | string): URL {
  if (url instanceof URL) return url;
  try {
    return new URL(url);
  } catch (error) {
    throw new PuffinError("http-error", `Invalid URL: ${redactCredentials(url)}`, { cause: error });
  }
}

/** The error for an error status, `retries` retries made. */
function statusError(url: URL, status: number, authenticated: boolean, retries: number): HttpError {
  const reason = STATUS_CODES[status];
  const message = `Failed to fetch ${url.href}: HTTP ${status}${reason ? ` ${reason}` : ""}${afterRetries(retries)}`;
  if (status === 401 && !authenticated) {
    return new HttpError(url.href, status, `${message}; no credentials were sent`, {
      hint: `${url.host} requires authentication. ${AUTH_HINT}`,
    });
  }
  if (status === 401 || status === 403) {
    return new HttpError(url.href, status, message, {
      hint: authenticated
        ? `The credentials for ${url.host} were rejected; check them.`
        : `${url.host} denied access. ${AUTH_HINT}`,
    });
  }
  return new HttpError(url.href, status, message);
}

/** Response headers with lower-case names, repeated ones joined with `, `. */
function flatHeaders(headers: Dispatcher.ResponseData["headers"]): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined)
      flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  return Buffer.concat(parts);
}

/** Where a redirect goes, without credentials (a `Location` never brings its own). */
function redirectTarget(from: URL, status: number, location: string): URL {
  try {
    return splitUrlCredentials(new URL(location, from)).url;
  } catch (error) {
    throw new HttpError(
      from.href,
      status,
      `${from.href} redirects (HTTP ${status}) to an invalid URL: ${JSON.stringify(redactCredentials(location))}`,
      { cause: error },
    );
  }
}

/** Drains a response that will not be read, so its connection returns to the pool. */
async function discard(response: Dispatcher.ResponseData): Promise<void> {
  try {
    await response.body.dump();
  } catch {
    // The connection is dropped instead of reused; nothing else depends on this body.
  }
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** An error's own message, with credentials masked (a proxy URL may carry some). */
function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  const text = message === "" && typeof code === "string" ? code : message;
  return redactCredentials(text);
}

function formatSeconds(ms: number): string {
  return `${ms / 1000}s`;
}
