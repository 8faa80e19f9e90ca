import assert from "node:assert/strict";
import { readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { CacheBucket } from "../../src/cache/index.ts";
import { WheelFetcher, type WheelSource } from "../../src/distribution/wheel-archives.ts";
import { PackageName } from "../../src/normalize/index.ts";
import { type AllowedHashes, HashPolicy } from "../../src/pypi-types/index.ts";
import { IndexServer } from "../support/index-server.ts";
import { testRegistry } from "../support/registry.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel } from "../support/wheel-builder.ts";

const root = testDirectory("fetch-wheel");
const alpha = buildWheel({
  name: "alpha",
  version: "1.0",
  files: { "alpha/__init__.py": "A = 1\n" },
});
const beta = buildWheel({ name: "beta", version: "2.0", files: { "beta/__init__.py": "B = 2\n" } });
const liar = buildWheel({ name: "liar", version: "1.0", files: { "liar/__init__.py": "L = 1\n" } });
const BAD = "0".repeat(64);
let server: IndexServer;
let cacheCounter = 0;

function setup(cacheDir = join(root, `cache-${cacheCounter++}`)) {
  const registry = testRegistry({ cacheDir, indexUrl: server.indexUrl });
  const fetcher = new WheelFetcher({ cache: registry.cache, http: registry.http, concurrency: 2 });
  return { ...registry, fetcher, cacheDir };
}

async function registryFile(client: ReturnType<typeof setup>["client"], name: string) {
  const files = await client.simple(PackageName.parse(name));
  const file = files.files.find((f) => f.file.filename.endsWith(".whl"));
  assert.ok(file, `${name} has a wheel`);
  return file;
}

/** A request as the database makes it: the source's stated digests, and `--hash` values. */
function request(source: WheelSource, allowed?: AllowedHashes) {
  const stated = source.kind === "registry" ? source.file.file.hashes : {};
  return { source, policy: HashPolicy.of({ stated, statedBy: "the index", allowed }) };
}

const downloads = (name: string) =>
  server.requests.filter(
    (r) => r.path.startsWith("/files/") && r.path.includes(name) && !r.path.endsWith(".metadata"),
  );

describe("WheelFetcher", () => {
  before(async () => {
    server = await IndexServer.start({
      files: [alpha, beta, { ...liar, advertisedSha256: BAD }],
      coreMetadata: false,
    });
  });
  after(() => server.close());

  test("downloads, verifies and unzips an index wheel; a warm cache downloads nothing", async () => {
    const { client, fetcher, cacheDir } = setup();
    server.clearRequests();
    const file = await registryFile(client, "alpha");
    const first = await fetcher.fetch(request({ kind: "registry", file }));
    assert.equal(first.downloaded, true);
    assert.equal(first.cached.hashes["sha256"], alpha.sha256);
    assert.equal(readFileSync(join(first.cached.path, "alpha/__init__.py"), "utf8"), "A = 1\n");
    assert.equal(downloads("alpha").length, 1);
    // Nothing but the published tree is left in the archive bucket (no temp files).
    assert.deepEqual(readdirSync(join(cacheDir, CacheBucket.Archive)), [alpha.sha256.slice(0, 32)]);

    const second = setup(cacheDir);
    const again = await second.fetcher.fetch(
      request({ kind: "registry", file: await registryFile(second.client, "alpha") }),
    );
    assert.equal(again.downloaded, false);
    assert.equal(again.cached.path, first.cached.path);
    assert.equal(downloads("alpha").length, 1);
  });

  test("concurrent requests for one wheel share one download", async () => {
    const { client, fetcher } = setup();
    server.clearRequests();
    const file = await registryFile(client, "beta");
    const results = await Promise.all(
      [1, 2, 3].map(() => fetcher.fetch(request({ kind: "registry", file }))),
    );
    assert.equal(new Set(results.map((r) => r.cached.path)).size, 1);
    assert.equal(downloads("beta").length, 1);
  });

  test("a wheel that does not match the index's hash is refused and leaves no entry", async () => {
    const { client, fetcher, cacheDir } = setup();
    const file = await registryFile(client, "liar");
    await assert.rejects(fetcher.fetch(request({ kind: "registry", file })), (error: Error) => {
      assert.match(
        error.message,
        /Hash mismatch for http:\/\/127\.0\.0\.1:\d+\/files\/liar-1\.0-py3-none-any\.whl/,
      );
      assert.ok(error.message.includes(`expected sha256:${BAD}`));
      assert.ok(error.message.includes(`computed sha256:${liar.sha256}`));
      return true;
    });
    assert.deepEqual(readdirSync(join(cacheDir, CacheBucket.Archive)), []);
  });

  test("--hash values: one matching digest is enough; a mismatch names both", async () => {
    const { client, fetcher } = setup();
    const file = await registryFile(client, "beta");
    const ok = await fetcher.fetch(
      request({ kind: "registry", file }, new Map([["sha256", [BAD, beta.sha256]]])),
    );
    assert.equal(ok.cached.hashes["sha256"], beta.sha256);
    await assert.rejects(
      fetcher.fetch(request({ kind: "registry", file }, new Map([["sha256", [BAD]]]))),
      new RegExp(`expected sha256:${BAD}, computed sha256:${beta.sha256}`),
    );
  });

  test("local wheels are unzipped in place, found again by path or file: URL, re-read when changed", async () => {
    const { fetcher } = setup();
    const path = join(root, alpha.filename);
    writeFileSync(path, alpha.bytes);
    const first = await fetcher.fetch(request({ kind: "path", path }));
    assert.equal(first.downloaded, false);
    const byUrl = await fetcher.lookup(request({ kind: "url", url: pathToFileURL(path).href }));
    assert.equal(byUrl?.path, first.cached.path, "a file: URL of the same file shares its pointer");
    assert.equal((await fetcher.lookup(request({ kind: "path", path })))?.path, first.cached.path);

    const changed = buildWheel({
      name: "alpha",
      version: "1.0",
      files: { "alpha/__init__.py": "A = 2\n" },
    });
    writeFileSync(path, changed.bytes);
    utimesSync(path, new Date(), new Date(Date.now() + 5000));
    assert.equal(await fetcher.lookup(request({ kind: "path", path })), undefined);
    const second = await new WheelFetcher({ cache: setup().cache, http: setup().http }).fetch(
      request({ kind: "path", path }),
    );
    assert.equal(readFileSync(join(second.cached.path, "alpha/__init__.py"), "utf8"), "A = 2\n");
  });

  test("a missing local wheel is a clear error", async () => {
    const { fetcher } = setup();
    await assert.rejects(
      fetcher.fetch(request({ kind: "path", path: join(root, "gone-1.0-py3-none-any.whl") })),
      /The wheel .*gone-1\.0-py3-none-any\.whl does not exist/,
    );
  });
});
