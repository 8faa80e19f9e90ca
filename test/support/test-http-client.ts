// HTTP clients for tests: quick retries, no ambient credentials, and closed after every test so
// no socket outlives it; and `rejection`, which awaits a promise that must fail with a PuffinError.
import assert from "node:assert/strict";
import { afterEach } from "node:test";
import type { HttpClientOptions } from "../../src/client/http-client.ts";
import { HttpClient } from "../../src/client/index.ts";
import { PuffinError } from "../../src/support/index.ts";

/**
 * A factory of clients for the calling test file. It registers an `afterEach` that closes every
 * client made since, so call it once, at the top level of the file.
 */
export function testHttpClients(): (options?: HttpClientOptions) => HttpClient {
  const clients: HttpClient[] = [];
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  return (options = {}) => {
    const made = HttpClient.create({
      retryDelayMs: 5,
      env: {},
      netrcPath: "/nonexistent",
      ...options,
    });
    clients.push(made);
    return made;
  };
}

/** The PuffinError `promise` rejects with; fails the test if it resolves or throws another kind. */
export async function rejection(promise: Promise<unknown>): Promise<PuffinError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof PuffinError, `a PuffinError, not ${String(error)}`);
    return error;
  }
  assert.fail("expected a rejection");
}
