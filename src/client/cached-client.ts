import { rm } from "node:fs/promises";
import CachePolicy from "http-cache-semantics";
import { type Cache, type EntrySchema, readHttpEntry, writeHttpEntry } from "../cache/index.ts";
import type { PackageName } from "../normalize/index.ts";
import { log, PuffinError, redactCredentials } from "../support/index.ts";
import { splitUrlCredentials } from "./credentials.ts";
import type { HttpClient } from "./http-client.ts";
import { type HttpResponse, lowerCaseKeys } from "./http-response.ts";

export interface CachedRequest<T> {
  url: string;
  headers?: Record<string, string>;
  /** Absolute path of the entry, inside a cache bucket. */
  entryPath: string;
  /** Turns a `200` response into the value to cache and return. */
  parse(response: HttpResponse, bytes: Uint8Array): T | Promise<T>;
  /** The value as stored (JSON-serializable); the value itself by default. */
  serialize?(value: T): unknown;
  /** The stored form back to a value; may throw on an unexpected shape (the entry is then missing). */
  deserialize?(raw: unknown): T;
  /** Revalidate even a fresh entry (`--refresh` for this request). */
  refresh?: boolean;
  /** The package the entry belongs to, for `--refresh-package` (`Cache.mustRevalidate`). */
  package?: PackageName;
  /** The version of the stored payload's shape (default 1); bump it when `serialize` changes. */
  version?: number;
}

/** The stored payload is validated by `deserialize`, so the envelope accepts any value. */
const anyPayload = (version: number): EntrySchema<unknown> => ({
  version,
  validate: (_value: unknown): _value is unknown => true,
});

/**
 * HTTP-cached GET (RFC 9111 through `http-cache-semantics`, as a private cache): a fresh entry
 * answers without a request; a stale one (or one `--refresh` covers) is revalidated with a
 * conditional request (`If-None-Match` / `If-Modified-Since`), and a `304` reuses the stored
 * payload with the updated policy. A `200` is parsed and stored unless the response forbids it
 * (`no-store`). Unreadable entries count as missing and are rewritten.
 *
 * In offline mode no request is sent: a cached entry is used even when stale, and a missing one
 * fails with `offline-not-cached`. `file://` URLs are read directly and never cached: the file
 * is the truth, and reading it costs no more than reading an entry.
 */
export class CachedClient {
  constructor(
    readonly http: HttpClient,
    readonly cache: Cache,
  ) {}

  async getCached<T>(request: CachedRequest<T>): Promise<T> {
    const url = new URL(request.url);
    if (url.protocol === "file:") {
      const response = await this.http.get(url, { headers: request.headers ?? {} });
      return request.parse(response, await response.bytes());
    }
    const shown = redactCredentials(request.url);
    const schema = anyPayload(request.version ?? 1);
    const deserialize = request.deserialize ?? ((raw: unknown) => raw as T);
    const serialize = request.serialize ?? ((value: T): unknown => value);
    const policyRequest: CachePolicy.Request = {
      url: splitUrlCredentials(url).url.href,
      method: "GET",
      headers: lowerCaseKeys(request.headers ?? {}),
    };

    const entry = await readHttpEntry(request.entryPath, schema);
    let cached: { value: T; raw: unknown; policy: CachePolicy; writtenAt: number } | undefined;
    if (entry !== undefined) {
      try {
        const { payload, policy, writtenAt } = entry;
        cached = { value: deserialize(payload), raw: payload, policy, writtenAt };
      } catch (error) {
        log.debug(`Ignoring cache entry ${request.entryPath}: ${(error as Error).message}`);
      }
    }

    if (this.http.offline) {
      if (cached !== undefined) return cached.value;
      throw new PuffinError(
        "offline-not-cached",
        `${shown} is not in the cache, and network access is disabled (offline mode)`,
        { hint: "Run once without --offline to fill the cache." },
      );
    }

    if (cached !== undefined) {
      const forced =
        request.refresh === true || this.cache.mustRevalidate(request.package, cached.writtenAt);
      if (!forced && cached.policy.satisfiesWithoutRevalidation(policyRequest)) {
        log.debug(() => `Cached ${shown} (fresh, no request)`);
        return cached.value;
      }
      log.debug(() => `Revalidating ${shown}`);
      const headers = headerRecord(cached.policy.revalidationHeaders(policyRequest));
      const response = await this.http.get(url, { headers });
      if (response.status === 304) {
        const revalidated = cached.policy.revalidatedPolicy(
          policyRequest,
          policyResponse(response),
        );
        if (!revalidated.modified) {
          log.debug(() => `Cached ${shown} (revalidated: not modified)`);
          await this.#store(request, schema, revalidated.policy, cached.raw);
          return cached.value;
        }
        // The 304 does not match what we hold (RFC 9111 §4.3.4): fetch it whole.
        return this.#fetch(request, url, policyRequest, schema, serialize);
      }
      return this.#store200(request, response, policyRequest, schema, serialize);
    }
    return this.#fetch(request, url, policyRequest, schema, serialize);
  }

  async #fetch<T>(
    request: CachedRequest<T>,
    url: URL,
    policyRequest: CachePolicy.Request,
    schema: EntrySchema<unknown>,
    serialize: (value: T) => unknown,
  ): Promise<T> {
    const response = await this.http.get(url, { headers: request.headers ?? {} });
    return this.#store200(request, response, policyRequest, schema, serialize);
  }

  async #store200<T>(
    request: CachedRequest<T>,
    response: HttpResponse,
    policyRequest: CachePolicy.Request,
    schema: EntrySchema<unknown>,
    serialize: (value: T) => unknown,
  ): Promise<T> {
    if (response.status !== 200) {
      throw new PuffinError(
        "http-error",
        `Unexpected HTTP ${response.status} for ${redactCredentials(request.url)}`,
      );
    }
    const value = await request.parse(response, await response.bytes());
    const policy = new CachePolicy(policyRequest, policyResponse(response), { shared: false });
    if (policy.storable()) {
      await this.#store(request, schema, policy, serialize(value));
    } else {
      log.debug(() => `Not caching ${redactCredentials(request.url)} (the response forbids it)`);
      await removeEntry(request.entryPath);
    }
    return value;
  }

  async #store<T>(
    request: CachedRequest<T>,
    schema: EntrySchema<unknown>,
    policy: CachePolicy,
    raw: unknown,
  ): Promise<void> {
    await this.cache.init();
    await writeHttpEntry(request.entryPath, schema, policy, raw);
  }
}

function policyResponse(response: HttpResponse): CachePolicy.Response {
  return { status: response.status, headers: response.headers };
}

function headerRecord(headers: CachePolicy.Headers): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) result[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return result;
}

/** Removes an entry a `no-store` response replaces, so it is not revalidated again and again. */
async function removeEntry(path: string): Promise<void> {
  await rm(path, { force: true });
}
