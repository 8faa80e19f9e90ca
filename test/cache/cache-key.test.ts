import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sourceKey } from "../../src/cache/cache-key.ts";
import { cacheDigest, canonicalCacheUrl, fnvDigest, urlDigest } from "../../src/cache/index.ts";

describe("cache keys", () => {
  test("a digest is 16 hex characters of SHA-256, stable across versions", () => {
    // sha256("") = e3b0c44298fc1c149afbf4c8996fb924…
    assert.equal(cacheDigest(""), "e3b0c44298fc1c14");
    assert.match(cacheDigest("https://pypi.org/simple"), /^[0-9a-f]{16}$/);
  });

  test("fnvDigest is 64-bit FNV-1a of the UTF-8 bytes, as 16 hex characters", () => {
    // The reference values of the FNV test suite (http://www.isthe.com/chongo/tech/comp/fnv/).
    assert.equal(fnvDigest(""), "cbf29ce484222325");
    assert.equal(fnvDigest("a"), "af63dc4c8601ec8c");
    assert.equal(fnvDigest("foobar"), "85944171f73967e8");
    assert.notEqual(fnvDigest("/usr/bin/python3.é"), fnvDigest("/usr/bin/python3.e"));
  });

  const same: [string, string][] = [
    ["https://pypi.org/simple", "https://pypi.org/simple/"],
    ["https://pypi.org/simple", "HTTPS://PyPI.org:443/simple"],
    ["https://user:secret@example.com/simple", "https://other-token@example.com/simple/"],
    ["https://files.example/a.whl#sha256=abc", "https://files.example/a.whl"],
  ];
  for (const [a, b] of same) {
    test(`${a} and ${b} share a key`, () => assert.equal(urlDigest(a), urlDigest(b)));
  }

  const different: [string, string][] = [
    ["https://pypi.org/simple", "https://test.pypi.org/simple"],
    ["https://example.com/simple?a=1", "https://example.com/simple?a=2"],
    ["http://example.com/simple", "https://example.com/simple"],
  ];
  for (const [a, b] of different) {
    test(`${a} and ${b} have different keys`, () => assert.notEqual(urlDigest(a), urlDigest(b)));
  }

  test("credentials never reach the canonical form", () => {
    const canonical = canonicalCacheUrl("https://alice:s3cret@example.com/simple/");
    assert.equal(canonical, "https://example.com/simple");
    assert.equal(canonicalCacheUrl("file:///opt/pypi/simple/"), "file:///opt/pypi/simple");
    assert.equal(canonicalCacheUrl("not a url"), "not a url");
  });

  test("source keys are two segments: kind and digest", () => {
    assert.deepEqual(sourceKey({ kind: "index", url: "https://pypi.org/simple/" }), [
      "index",
      urlDigest("https://pypi.org/simple"),
    ]);
    assert.equal(sourceKey({ kind: "url", url: "https://x/a.whl" })[0], "url");
    assert.equal(sourceKey({ kind: "path", path: "/tmp/a.whl" })[0], "path");
    const one = sourceKey({ kind: "git", url: "https://g/r.git", commit: "a".repeat(40) });
    const two = sourceKey({ kind: "git", url: "https://g/r.git", commit: "b".repeat(40) });
    assert.equal(one[0], "git");
    assert.notEqual(one[1], two[1], "each commit is its own source");
  });
});
