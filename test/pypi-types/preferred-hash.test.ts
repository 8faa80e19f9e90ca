import assert from "node:assert/strict";
import { test } from "node:test";
import { preferredHash } from "../../src/pypi-types/simple-file.ts";

test("preferredHash: SHA-256, else the next SHA-2, else any digest unless only SHA-2 will do", () => {
  assert.deepEqual(preferredHash({ md5: "m", sha512: "c", sha256: "a" }), {
    algorithm: "sha256",
    digest: "a",
  });
  assert.deepEqual(preferredHash({ sha512: "c", sha384: "b" }), {
    algorithm: "sha384",
    digest: "b",
  });
  assert.deepEqual(preferredHash({ md5: "m" }), { algorithm: "md5", digest: "m" });
  assert.equal(preferredHash({ md5: "m" }, { anyAlgorithm: false }), undefined);
  assert.equal(preferredHash({}), undefined);
});
