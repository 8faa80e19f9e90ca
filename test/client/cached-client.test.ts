import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { Cache, CacheBucket, type Refresh } from "../../src/cache/index.ts";
import { CachedClient, type CachedRequest } from "../../src/client/cached-client.ts";
import type { HttpClientOptions } from "../../src/client/http-client.ts";
import { PackageName } from "../../src/normalize/index.ts";
import { PuffinError } from "../../src/support/index.ts";
import { IndexServer } from "../support/index-server.ts";
import { testHttpClients } from "../support/test-http-client.ts";
import { buildWheel } from "../support/wheel-builder.ts";

interface Page {
  length: number;
  text: string;
}

describe("CachedClient", () => {
  let root: string;
  let fresh: IndexServer;
  let stale: IndexServer;
  let parses = 0;
  const httpClient = testHttpClients();

  before(async () => {
    const files = [buildWheel({ name: "demo", version: "1.0" })];
    fresh = await IndexServer.start({ files, maxAge: 600 });
    stale = await IndexServer.start({ files, maxAge: 0 });
  });
  after(async () => {
    await fresh.close();
    await stale.close();
  });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "puffin-cached-"));
    parses = 0;
  });
  afterEach(async () => {
    fresh.clearRequests();
    stale.clearRequests();
    await rm(root, { recursive: true, force: true });
  });

  function cachedClient(
    options: HttpClientOptions = {},
    refresh: Refresh = { kind: "none" },
  ): CachedClient {
    return new CachedClient(httpClient(options), Cache.at(root, refresh));
  }

  const entryPath = () => join(root, CacheBucket.Simple, "index", "0123456789abcdef", "demo.json");
  const page = (url: string, extra: Partial<CachedRequest<Page>> = {}): CachedRequest<Page> => ({
    url,
    entryPath: entryPath(),
    headers: { Accept: "text/html" },
    parse: (_response, bytes) => {
      parses++;
      const text = new TextDecoder().decode(bytes);
      return { length: bytes.length, text };
    },
    ...extra,
  });
  const projectUrl = (server: IndexServer) => `${server.indexUrl}demo/`;

  test("a fresh entry answers without any request", async () => {
    const first = await cachedClient().getCached(page(projectUrl(fresh)));
    assert.equal(fresh.requests.length, 1);
    const again = await cachedClient().getCached(page(projectUrl(fresh)));
    assert.deepEqual(again, first);
    assert.equal(fresh.requests.length, 1, "no request for a fresh entry");
    assert.equal(parses, 1);
  });

  test("a stale entry is revalidated with a conditional request, and a 304 reuses it", async () => {
    const first = await cachedClient().getCached(page(projectUrl(stale)));
    const etag = JSON.parse(await readFile(entryPath(), "utf8")).value.policy.resh.etag;
    assert.match(etag, /^"[0-9a-f]+"$/);
    const before = (await stat(entryPath())).mtimeMs;
    const again = await cachedClient().getCached(page(projectUrl(stale)));
    assert.deepEqual(again, first);
    assert.equal(parses, 1, "a 304 is not parsed");
    assert.deepEqual(
      stale.requests.map((r) => r.status),
      [200, 304],
    );
    assert.equal(stale.requests[1]?.headers["if-none-match"], etag);
    assert.ok(stale.requests[1]?.headers["if-modified-since"]);
    assert.ok((await stat(entryPath())).mtimeMs >= before, "the entry is rewritten");
  });

  test("a changed page replaces the entry", async () => {
    const server = await IndexServer.start({
      maxAge: 0,
      files: [buildWheel({ name: "demo", version: "1.0" })],
    });
    try {
      const first = await cachedClient().getCached(page(projectUrl(server)));
      server.addFile(buildWheel({ name: "demo", version: "2.0" }));
      const second = await cachedClient().getCached(page(projectUrl(server)));
      assert.notEqual(second.text, first.text);
      assert.match(second.text, /demo-2\.0/);
      assert.equal(parses, 2);
      const third = await cachedClient().getCached(page(projectUrl(server)));
      assert.deepEqual(third, second, "the new page was stored");
      assert.deepEqual(
        server.requests.map((r) => r.status),
        [200, 200, 304],
      );
    } finally {
      await server.close();
    }
  });

  test("refresh: true revalidates a fresh entry", async () => {
    await cachedClient().getCached(page(projectUrl(fresh)));
    await cachedClient().getCached(page(projectUrl(fresh), { refresh: true }));
    assert.deepEqual(
      fresh.requests.map((r) => r.status),
      [200, 304],
    );
  });

  test("--refresh revalidates each entry once per run", async () => {
    await cachedClient().getCached(page(projectUrl(fresh)));
    const run = cachedClient({}, { kind: "all", timestamp: Date.now() + 1 });
    await run.getCached(page(projectUrl(fresh)));
    await run.getCached(page(projectUrl(fresh)));
    assert.deepEqual(
      fresh.requests.map((r) => r.status),
      [200, 304],
    );
  });

  test("--refresh-package revalidates only that package's entries", async () => {
    const demo = PackageName.parse("demo");
    await cachedClient().getCached(page(projectUrl(fresh), { package: demo }));
    const refresh: Refresh = {
      kind: "packages",
      packages: new Set([PackageName.parse("other")]),
      timestamp: Date.now() + 1,
    };
    await cachedClient({}, refresh).getCached(page(projectUrl(fresh), { package: demo }));
    assert.equal(fresh.requests.length, 1, "another package's refresh leaves demo fresh");
    const mine: Refresh = {
      kind: "packages",
      packages: new Set([demo]),
      timestamp: Date.now() + 1,
    };
    await cachedClient({}, mine).getCached(page(projectUrl(fresh), { package: demo }));
    assert.equal(fresh.requests.length, 2);
  });

  test("Cache-Control: no-store is not stored", async () => {
    let hits = 0;
    const server = createServer((_request, response) => {
      hits++;
      response.writeHead(200, { "Cache-Control": "no-store", "Content-Type": "text/html" });
      response.end("<a href='x'>x</a>");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple/demo/`;
    try {
      await mkdir(join(entryPath(), ".."), { recursive: true });
      await writeFile(entryPath(), "an old entry");
      await cachedClient().getCached(page(url));
      await cachedClient().getCached(page(url));
      assert.equal(hits, 2);
      await assert.rejects(stat(entryPath()), { code: "ENOENT" });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test("offline: a warm cache answers even when stale, with no request", async () => {
    const online = await cachedClient().getCached(page(projectUrl(stale)));
    const offline = await cachedClient({ offline: true }).getCached(page(projectUrl(stale)));
    assert.deepEqual(offline, online);
    assert.equal(stale.requests.length, 1);
  });

  test("offline: a cold cache fails naming the URL, credentials masked", async () => {
    const url = projectUrl(fresh).replace("http://", "http://user:hunter2@");
    await assert.rejects(cachedClient({ offline: true }).getCached(page(url)), (error) => {
      assert.ok(error instanceof PuffinError);
      assert.equal(error.code, "offline-not-cached");
      assert.ok(error.message.includes(projectUrl(fresh).replace("http://", "http://user:****@")));
      assert.doesNotMatch(error.message, /hunter2/);
      return true;
    });
    assert.equal(fresh.requests.length, 0);
  });

  const corruptions: [string, string][] = [
    ["garbage", "\u0000\u0001 not json"],
    ["truncated", '{"version":1,"writtenAt":1,"value":{"pol'],
    ["another version", JSON.stringify({ version: 99, writtenAt: 1, value: {} })],
    [
      "a bad policy",
      JSON.stringify({ version: 1, writtenAt: 1, value: { policy: {}, payload: {} } }),
    ],
  ];
  for (const [name, content] of corruptions) {
    test(`an entry holding ${name} is refetched and rewritten`, async () => {
      await mkdir(join(entryPath(), ".."), { recursive: true });
      await writeFile(entryPath(), content);
      const value = await cachedClient().getCached(page(projectUrl(fresh)));
      assert.match(value.text, /demo-1\.0/);
      await cachedClient().getCached(page(projectUrl(fresh)));
      assert.equal(fresh.requests.length, 1, "the rewritten entry is fresh");
    });
  }

  test("a payload deserialize rejects counts as missing", async () => {
    const strict = (raw: unknown): Page => {
      if (typeof raw !== "object" || raw === null || !("text" in raw)) throw new Error("bad shape");
      return raw as Page;
    };
    await cachedClient().getCached(
      page(projectUrl(fresh), { serialize: (p) => ({ length: p.length }) }),
    );
    const value = await cachedClient().getCached(page(projectUrl(fresh), { deserialize: strict }));
    assert.match(value.text, /demo/);
    assert.equal(fresh.requests.length, 2);
  });

  test("serialize and deserialize shape what is stored", async () => {
    const request = page(projectUrl(fresh), {
      serialize: (p) => [p.length, p.text],
      deserialize: (raw) => {
        const [length, text] = raw as [number, string];
        return { length, text };
      },
    });
    const first = await cachedClient().getCached(request);
    const stored = JSON.parse(await readFile(entryPath(), "utf8"));
    assert.deepEqual(stored.value.payload, [first.length, first.text]);
    assert.deepEqual(await cachedClient().getCached(request), first);
  });

  test("credentials never reach the stored entry", async () => {
    const secured = await IndexServer.start({
      files: [buildWheel({ name: "demo", version: "1.0" })],
      auth: { username: "alice", password: "hunter2" },
    });
    try {
      const url = projectUrl(secured).replace("http://", "http://alice:hunter2@");
      await cachedClient().getCached(page(url));
      const text = await readFile(entryPath(), "utf8");
      assert.doesNotMatch(text, /hunter2|alice|authorization/i);
    } finally {
      await secured.close();
    }
  });

  test("file:// pages are read directly, never cached", async () => {
    const dir = join(root, "index", "demo");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "index.html"), "<a href='demo-1.0.tar.gz'>demo-1.0.tar.gz</a>");
    const url = `${pathToFileURL(dir).href}/`;
    const value = await cachedClient({ offline: true }).getCached(page(url));
    assert.match(value.text, /demo-1\.0\.tar\.gz/);
    await assert.rejects(stat(entryPath()), { code: "ENOENT" });
  });
});
