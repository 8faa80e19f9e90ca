import assert from "node:assert/strict";
import { test } from "node:test";
import { formatSize } from "../../src/support/format-size.ts";

test("formatSize: bytes below 1 KiB, then binary units with one decimal", () => {
  assert.equal(formatSize(1), "1 byte");
  assert.equal(formatSize(1023), "1023 bytes");
  assert.equal(formatSize(1024), "1.0 KiB");
  assert.equal(formatSize(2 * 1024 ** 2), "2.0 MiB");
  assert.equal(formatSize(3 * 1024 ** 3), "3.0 GiB");
  assert.equal(formatSize(5 * 1024 ** 4), "5.0 TiB");
});
