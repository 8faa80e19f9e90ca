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
import { fileResponse } from "./file-response.ts";
import {
  type ByteRange,
  collect,
  HttpError,
  type HttpResponse,
  lowerCaseKeys,
  rangeHeader,
} from "./http-response.ts";
import { loadNetrc, netrcPath } from "./netrc.ts";
import { createDispatcher } from "./network-agent.ts";
import {
  backoffMs,
  isRetryableStatus,
  isTimeoutError,
  isTransientError,
  retryAfterMs,
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

const DEFAULT_TIMEOUT_S = 30;
const DEFAULT_RETRIES = 3;
const DEFAULT_CONNECTIONS = 10;
const DEFAULT_RETRY_DELAY_MS = 250;
/** Redirects followed per request, as browsers and pip do (pip: 30; curl: 50; we need few). */
export const MAX_REDIRECTS = 10;

const AUTH_HINT =
  "Put credentials in the index URL (https://user:password@host/…) or in ~/.netrc (or the file NETRC names).";

/**
 * Puffin's one HTTP client: GET with retries, timeouts, proxies, per-realm credentials and
 * redirects; `file://` URLs served from disk with the same interface. See `retry.ts` for what is
 * retried, `credentials.ts` for where credentials go, `network-agent.ts` for the connection pool.
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

  async get(url: URL | string, init: GetInit = {}): Promise<HttpResponse> {
    const parsed = parseUrl(url);
    if (parsed.protocol === "file:") return fileResponse(parsed, init.range);
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new PuffinError(
        "http-error",
        `Unsupported URL scheme ${parsed.protocol} in ${redactCredentials(parsed.href)}`,
      );
    }
    const { url: bare, credentials } = splitUrlCredentials(parsed);
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
    const dispatcher = await this.#dispatcherOnce();

    let current = bare;
    for (let redirects = 0; ; redirects++) {
      const sent = store.forUrl(current);
      const response = await this.#send(dispatcher, current, init, sent);
      const status = response.statusCode;
      const location = headerValue(response.headers["location"]);
      if (status >= 300 && status < 400 && status !== 304 && location !== undefined) {
        await discard(response);
        if (redirects >= MAX_REDIRECTS) {
          throw new HttpError(
            current.href,
            status,
            `Too many redirects (more than ${MAX_REDIRECTS}) fetching ${bare.href}`,
          );
        }
        // A `Location` never brings credentials of its own: they would be the server's choice.
        const next = splitUrlCredentials(new URL(location, current)).url;
        log.debug(() => `Redirect ${status}: ${current.href} -> ${next.href}`);
        current = next;
        continue;
      }
      if (status >= 400) {
        await discard(response);
        throw statusError(current, status, sent !== undefined, this.retries);
      }
      return wrapResponse(current.href, response, this.timeoutMs);
    }
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

  /** One request with its retries; resolves with the final response, whatever its status. */
  async #send(
    dispatcher: Dispatcher,
    url: URL,
    init: GetInit,
    credentials: Credentials | undefined,
  ): Promise<Dispatcher.ResponseData> {
    const headers: Record<string, string> = {
      "user-agent": this.#options.userAgent ?? "puffin",
      ...lowerCaseKeys(init.headers ?? {}),
    };
    if (init.range !== undefined) headers["range"] = rangeHeader(init.range);
    if (credentials !== undefined) headers["authorization"] = basicAuthorization(credentials);
    const baseDelay = this.#options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;

    for (let attempt = 0; ; attempt++) {
      log.trace(() => `GET ${url.href}${attempt > 0 ? ` (retry ${attempt})` : ""}`);
      let response: Dispatcher.ResponseData;
      try {
        response = await dispatcher.request({
          origin: url.origin,
          path: url.pathname + url.search,
          method: "GET",
          headers,
          signal: init.signal ?? null,
          highWaterMark: BODY_BUFFER_BYTES,
        });
      } catch (error) {
        if (init.signal?.aborted) throw error;
        if (attempt < this.retries && isTransientError(error)) {
          const delay = backoffMs(attempt, baseDelay);
          log.debug(() => `Retrying ${url.href} in ${Math.round(delay)} ms: ${describe(error)}`);
          await sleep(delay, undefined, { signal: init.signal });
          continue;
        }
        throw this.#connectionError(url, error, attempt);
      }
      if (attempt < this.retries && isRetryableStatus(response.statusCode)) {
        const asked = retryAfterMs(headerValue(response.headers["retry-after"]));
        const delay = asked ?? backoffMs(attempt, baseDelay);
        await discard(response);
        log.debug(
          () => `Retrying ${url.href} in ${Math.round(delay)} ms: HTTP ${response.statusCode}`,
        );
        await sleep(delay, undefined, { signal: init.signal });
        continue;
      }
      return response;
    }
  }

  #connectionError(url: URL, error: unknown, attempt: number): PuffinError {
    const retried = attempt > 0 ? ` (after ${attempt} ${attempt === 1 ? "retry" : "retries"})` : "";
    if (isTimeoutError(error)) {
      return new PuffinError(
        "http-timeout",
        `Request to ${url.href} timed out after ${formatSeconds(this.timeoutMs)}${retried}`,
        {
          hint: "Set PUFFIN_HTTP_TIMEOUT to a larger number of seconds if the server is slow.",
          cause: error,
        },
      );
    }
    return new PuffinError(
      "http-connection",
      `Failed to connect to ${url.href}: ${describe(error)}${retried}`,
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

function statusError(url: URL, status: number, authenticated: boolean, retries: number): HttpError {
  const reason = STATUS_CODES[status];
  const retried = isRetryableStatus(status) && retries > 0 ? ` (after ${retries} retries)` : "";
  const message = `Failed to fetch ${url.href}: HTTP ${status}${reason ? ` ${reason}` : ""}${retried}`;
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

function wrapResponse(
  url: string,
  response: Dispatcher.ResponseData,
  timeoutMs: number,
): HttpResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined)
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  const body = response.body;
  const fail = (error: unknown): never => {
    if (isTimeoutError(error)) {
      throw new PuffinError(
        "http-timeout",
        `Reading ${url} timed out (no data for ${formatSeconds(timeoutMs)})`,
        {
          hint: "Set PUFFIN_HTTP_TIMEOUT to a larger number of seconds if the server is slow.",
          cause: error,
        },
      );
    }
    throw new PuffinError(
      "http-connection",
      `Failed to read the response from ${url}: ${describe(error)}`,
      {
        cause: error,
      },
    );
  };
  async function* chunks(): AsyncIterable<Uint8Array> {
    try {
      for await (const chunk of body) yield chunk as Uint8Array;
    } catch (error) {
      fail(error);
    }
  }
  const bytes = () => collect(chunks());
  return {
    url,
    status: response.statusCode,
    headers,
    bytes,
    text: async () => new TextDecoder().decode(await bytes()),
    body: chunks(),
  };
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
