import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { backoffMs, isRetryableStatus, retryAfterMs } from "../../src/client/retry.ts";

describe("retry policy", () => {
  const statuses: [number, boolean][] = [
    [200, false],
    [304, false],
    [400, false],
    [401, false],
    [404, false],
    [429, true],
    [500, true],
    [501, false],
    [502, true],
    [503, true],
    [504, true],
    [505, false],
  ];
  for (const [status, retryable] of statuses) {
    test(`HTTP ${status} is ${retryable ? "" : "not "}retried`, () =>
      assert.equal(isRetryableStatus(status), retryable));
  }

  test("Retry-After in seconds or as an HTTP date, capped at a minute", () => {
    const now = Date.parse("2024-01-01T00:00:00Z");
    assert.equal(retryAfterMs(undefined, now), undefined);
    assert.equal(retryAfterMs("2", now), 2000);
    assert.equal(retryAfterMs(" 0 ", now), 0);
    assert.equal(retryAfterMs("86400", now), 60_000);
    assert.equal(retryAfterMs("Mon, 01 Jan 2024 00:00:05 GMT", now), 5000);
    assert.equal(retryAfterMs("Sun, 31 Dec 2023 23:00:00 GMT", now), 0, "a past date: now");
    assert.equal(retryAfterMs("soon", now), undefined);
  });

  test("backoff doubles per attempt, between half and all of base·2^n, capped", () => {
    assert.equal(
      backoffMs(0, 100, () => 0),
      50,
    );
    assert.equal(
      backoffMs(0, 100, () => 1),
      100,
    );
    assert.equal(
      backoffMs(3, 100, () => 0),
      400,
    );
    assert.equal(
      backoffMs(3, 100, () => 1),
      800,
    );
    assert.equal(
      backoffMs(20, 100, () => 1),
      10_000,
    );
  });
});
