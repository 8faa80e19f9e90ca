import CachePolicy from "http-cache-semantics";
import { log } from "../support/index.ts";
import { type EntrySchema, readJsonEntry, writeJsonEntry } from "./json-entry.ts";

/**
 * A cached HTTP response's useful part (`payload`: a parsed index page, wheel metadata…) stored
 * with its RFC 9111 cache policy, so a later run can decide without a request whether it is
 * still fresh (`policy.satisfiesWithoutRevalidation`), or revalidate it with a conditional
 * request (`policy.revalidationHeaders`, then `policy.revalidatedPolicy` on `304`).
 *
 * On disk it is a JSON entry (`json-entry.ts`) whose value is
 * `{ "policy": CachePolicy#toObject(), "payload": … }`; the schema's version covers both the
 * payload's shape and this envelope. A policy that `http-cache-semantics` cannot restore makes
 * the entry missing, like any other bad entry.
 */
export interface HttpCacheEntry<T> {
  policy: CachePolicy;
  payload: T;
  writtenAt: number;
}

interface StoredHttpEntry<T> {
  policy: CachePolicy.CachePolicyObject;
  payload: T;
}

export async function readHttpEntry<T>(
  path: string,
  payload: EntrySchema<T>,
): Promise<HttpCacheEntry<T> | undefined> {
  const entry = await readJsonEntry(path, storedSchema(payload));
  if (entry === undefined) return undefined;
  let policy: CachePolicy;
  try {
    policy = CachePolicy.fromObject(entry.value.policy);
  } catch (error) {
    log.debug(`Ignoring cache entry ${path}: bad cache policy (${(error as Error).message})`);
    return undefined;
  }
  return { policy, payload: entry.value.payload, writtenAt: entry.writtenAt };
}

/** Stores `payload` with `policy` at `path`, atomically. */
export async function writeHttpEntry<T>(
  path: string,
  schema: { version: number },
  policy: CachePolicy,
  payload: T,
): Promise<void> {
  const stored: StoredHttpEntry<T> = { policy: policy.toObject(), payload };
  await writeJsonEntry(path, schema, stored);
}

function storedSchema<T>(payload: EntrySchema<T>): EntrySchema<StoredHttpEntry<T>> {
  return {
    version: payload.version,
    validate: (value: unknown): value is StoredHttpEntry<T> => {
      if (typeof value !== "object" || value === null) return false;
      const record = value as Record<string, unknown>;
      return (
        typeof record["policy"] === "object" &&
        record["policy"] !== null &&
        payload.validate(record["payload"])
      );
    },
  };
}
