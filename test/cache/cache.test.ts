import assert from "node:assert/strict";
import { readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { CACHE_BUCKETS } from "../../src/cache/bucket.ts";
import { CACHEDIR_TAG, type CacheDirSettings, resolveCacheDir } from "../../src/cache/cache.ts";
import { Cache, CacheBucket, refreshFromArgs } from "../../src/cache/index.ts";
import { mustRevalidate } from "../../src/cache/refresh.ts";
import { PackageName } from "../../src/normalize/index.ts";
import { testDirectory } from "../support/temp-dir.ts";

const dir = testDirectory("cache");

describe("resolveCacheDir", () => {
  const cases: [string, CacheDirSettings, string][] = [
    [
      "--cache-dir wins over everything",
      { cacheDir: "/flag", env: { PUFFIN_CACHE_DIR: "/env", XDG_CACHE_HOME: "/xdg" } },
      "/flag",
    ],
    [
      "a relative --cache-dir is taken from cwd",
      { cacheDir: "c", env: {}, cwd: "/work" },
      "/work/c",
    ],
    [
      "PUFFIN_CACHE_DIR next",
      { env: { PUFFIN_CACHE_DIR: "/env", XDG_CACHE_HOME: "/xdg" } },
      "/env",
    ],
    [
      "then $XDG_CACHE_HOME/puffin",
      { env: { XDG_CACHE_HOME: "/xdg", HOME: "/home/u" } },
      "/xdg/puffin",
    ],
    [
      "a relative XDG_CACHE_HOME is ignored",
      { env: { XDG_CACHE_HOME: "rel", HOME: "/home/u" } },
      "/home/u/.cache/puffin",
    ],
    [
      "empty variables are unset",
      { env: { PUFFIN_CACHE_DIR: "", XDG_CACHE_HOME: "", HOME: "/h" } },
      "/h/.cache/puffin",
    ],
    ["without HOME, the account's home", { env: {}, home: "/account" }, "/account/.cache/puffin"],
  ];
  for (const [name, settings, expected] of cases) {
    test(name, () => assert.equal(resolveCacheDir(settings), expected));
  }
});

describe("Cache", () => {
  test("touches nothing until init, which writes CACHEDIR.TAG and .gitignore once", async () => {
    const root = join(dir, "fresh");
    const cache = await Cache.fromSettings({ cacheDir: root, env: {} });
    assert.equal(cache.root, root);
    await assert.rejects(stat(root), { code: "ENOENT" });
    await Promise.all([cache.init(), cache.init()]);
    const tag = await readFile(join(root, "CACHEDIR.TAG"), "utf8");
    assert.equal(tag, CACHEDIR_TAG);
    assert.ok(
      tag.startsWith("Signature: 8a477f597d28d172789f06886806bc55\n"),
      "the standard signature line",
    );
    assert.equal(await readFile(join(root, ".gitignore"), "utf8"), "*\n");
  });

  test("buckets are versioned directories with distinct names", () => {
    assert.deepEqual([...CACHE_BUCKETS].sort(), [
      "archive-v0",
      "built-wheels-v0",
      "flat-index-v0",
      "git-v0",
      "interpreter-v1",
      "simple-v0",
      "wheels-v0",
    ]);
  });

  test("paths: bucket, shard, and per-package directories under a source key", () => {
    const cache = Cache.at("/c");
    assert.equal(cache.bucket(CacheBucket.Simple), "/c/simple-v0");
    assert.equal(cache.shard(CacheBucket.Interpreter, "ab.json"), "/c/interpreter-v1/ab.json");
    const name = PackageName.parse("Zope.Interface");
    const path = cache.packageDir(
      CacheBucket.Wheels,
      { kind: "index", url: "https://pypi.org/simple" },
      name,
    );
    assert.match(path, /^\/c\/wheels-v0\/index\/[0-9a-f]{16}\/zope-interface$/);
  });

  test("--no-cache (or PUFFIN_NO_CACHE) gives a temporary cache in the temp directory", async () => {
    for (const settings of [{ noCache: true, env: {} }, { env: { PUFFIN_NO_CACHE: "1" } }]) {
      const cache = await Cache.fromSettings({ cacheDir: join(dir, "ignored"), ...settings });
      assert.ok(cache.temporary);
      assert.ok(cache.root.startsWith(tmpdir()));
      assert.ok((await stat(cache.root)).isDirectory());
      await rm(cache.root, { recursive: true });
    }
  });
});

describe("refresh policy", () => {
  const requests = PackageName.parse("requests");
  const numpy = PackageName.parse("numpy");
  const start = 1_000_000;
  const cases: [
    string,
    Parameters<typeof refreshFromArgs>[0],
    typeof requests | undefined,
    number,
    boolean,
  ][] = [
    ["no refresh trusts every entry", {}, requests, 0, false],
    [
      "--refresh revalidates entries from before the run",
      { refresh: true },
      requests,
      start - 1,
      true,
    ],
    ["--refresh trusts entries written during this run", { refresh: true }, requests, start, false],
    ["--refresh covers entries of no package", { refresh: true }, undefined, start - 1, true],
    [
      "--refresh-package covers that package",
      { refreshPackages: [requests] },
      requests,
      start - 1,
      true,
    ],
    [
      "--refresh-package leaves others alone",
      { refreshPackages: [requests] },
      numpy,
      start - 1,
      false,
    ],
    [
      "--refresh-package leaves entries of no package alone",
      { refreshPackages: [requests] },
      undefined,
      0,
      false,
    ],
    [
      "--refresh wins over --refresh-package",
      { refresh: true, refreshPackages: [requests] },
      numpy,
      0,
      true,
    ],
  ];
  for (const [name, args, pkg, writtenAt, expected] of cases) {
    test(name, () => {
      assert.equal(mustRevalidate(refreshFromArgs(args, start), pkg, writtenAt), expected);
      assert.equal(
        Cache.at("/c", refreshFromArgs(args, start)).mustRevalidate(pkg, writtenAt),
        expected,
      );
    });
  }
});
