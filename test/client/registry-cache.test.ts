import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import type { RegistryClient } from "../../src/client/index.ts";
import { PackageName } from "../../src/normalize/index.ts";
import { PuffinError } from "../../src/support/index.ts";
import { IndexServer } from "../support/index-server.ts";
import { testRegistry } from "../support/registry.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel } from "../support/wheel-builder.ts";

const root = testDirectory("registry-cache");
let cacheCount = 0;
const freshCache = () => join(root, `cache-${cacheCount++}`);
const PACKAGES = ["alpha", "beta"];
const CONTENDER = fileURLToPath(new URL("../support/registry-contender.ts", import.meta.url));

/** Files and every wheel's METADATA of each package, as `filename name version` lines. */
async function readAll(client: RegistryClient): Promise<string[]> {
  const lines: string[] = [];
  for (const project of PACKAGES) {
    for (const file of (await client.simple(PackageName.parse(project))).files) {
      const metadata = await client.wheelMetadata(file);
      lines.push(`${file.file.filename} ${metadata.name} ${metadata.version}`);
    }
  }
  return lines;
}

function files(): { filename: string; bytes: Uint8Array; coreMetadata: boolean }[] {
  // One wheel with PEP 658 metadata, one read with range requests, per package.
  return PACKAGES.flatMap((name) => [
    { ...wheelFile(name, "1.0"), coreMetadata: true },
    { ...wheelFile(name, "2.0"), coreMetadata: false },
  ]);
}

function wheelFile(name: string, version: string): { filename: string; bytes: Uint8Array } {
  const { filename, bytes } = buildWheel({ name, version, requiresDist: ["dep"] });
  return { filename, bytes };
}

const EXPECTED = PACKAGES.flatMap((name) => [
  `${name}-1.0-py3-none-any.whl ${name} 1.0`,
  `${name}-2.0-py3-none-any.whl ${name} 2.0`,
]);

describe("RegistryClient and the cache", () => {
  let fresh: IndexServer;
  let stale: IndexServer;
  before(async () => {
    fresh = await IndexServer.start({ files: files(), maxAge: 600 });
    stale = await IndexServer.start({ files: files(), maxAge: 0 });
  });
  after(async () => {
    await fresh.close();
    await stale.close();
  });

  it("answers a second run from a warm cache with zero requests", async () => {
    const cacheDir = freshCache();
    assert.deepEqual(
      await readAll(testRegistry({ cacheDir, indexUrl: fresh.indexUrl }).client),
      EXPECTED,
    );
    fresh.clearRequests();
    assert.deepEqual(
      await readAll(testRegistry({ cacheDir, indexUrl: fresh.indexUrl }).client),
      EXPECTED,
    );
    assert.deepEqual(fresh.requests, []);
  });

  it("revalidates stale pages with a conditional request and reuses them on 304", async () => {
    const cacheDir = freshCache();
    await readAll(testRegistry({ cacheDir, indexUrl: stale.indexUrl }).client);
    stale.clearRequests();
    assert.deepEqual(
      await readAll(testRegistry({ cacheDir, indexUrl: stale.indexUrl }).client),
      EXPECTED,
    );
    // Only the two pages, each conditional and answered 304; wheel metadata is content-addressed.
    assert.deepEqual(
      stale.requests.map((r) => [r.path, r.status, r.headers["if-none-match"] !== undefined]),
      PACKAGES.map((name) => [`/simple/${name}/`, 304, true]),
    );
  });

  it("revalidates fresh pages of the packages --refresh-package names", async () => {
    const cacheDir = freshCache();
    await readAll(testRegistry({ cacheDir, indexUrl: fresh.indexUrl }).client);
    fresh.clearRequests();
    const refresh = {
      kind: "packages" as const,
      packages: new Set([PackageName.parse("beta")]),
      timestamp: Date.now() + 1,
    };
    await readAll(testRegistry({ cacheDir, indexUrl: fresh.indexUrl, refresh }).client);
    assert.deepEqual(
      fresh.requests.map((r) => [r.path, r.status]),
      [["/simple/beta/", 304]],
    );
  });

  it("works offline from a warm cache, even when stale", async () => {
    const cacheDir = freshCache();
    await readAll(testRegistry({ cacheDir, indexUrl: stale.indexUrl }).client);
    stale.clearRequests();
    const offline = testRegistry({ cacheDir, indexUrl: stale.indexUrl, offline: true }).client;
    assert.deepEqual(await readAll(offline), EXPECTED);
    assert.deepEqual(stale.requests, []);
  });

  it("fails offline from a cold cache, naming the package", async () => {
    const offline = testRegistry({
      cacheDir: freshCache(),
      indexUrl: fresh.indexUrl,
      offline: true,
    });
    await assert.rejects(offline.client.simple(PackageName.parse("alpha")), (error: unknown) => {
      assert.ok(error instanceof PuffinError);
      assert.equal(error.code, "offline-not-cached");
      assert.match(error.message, /Package alpha is not in the cache/);
      return true;
    });
  });

  it("fails offline for wheel metadata that is not cached, naming the wheel and package", async () => {
    const cacheDir = freshCache();
    const online = testRegistry({ cacheDir, indexUrl: fresh.indexUrl }).client;
    await online.simple(PackageName.parse("alpha"));
    const offline = testRegistry({ cacheDir, indexUrl: fresh.indexUrl, offline: true }).client;
    const [file] = (await offline.simple(PackageName.parse("alpha"))).files;
    await assert.rejects(
      offline.wheelMetadata(file!),
      /alpha-1\.0-py3-none-any\.whl \(package alpha\) is not cached/,
    );
  });

  it("recovers from corrupted cache entries by fetching and rewriting them", async () => {
    const cacheDir = freshCache();
    await readAll(testRegistry({ cacheDir, indexUrl: fresh.indexUrl }).client);
    const entries = listFiles(cacheDir).filter((path) => path.endsWith(".json"));
    assert.ok(entries.some((path) => path.includes("simple-v0")));
    assert.ok(entries.some((path) => path.includes("wheels-v0")));
    for (const [i, path] of entries.entries()) {
      const text = readFileSync(path, "utf8");
      writeFileSync(path, i % 2 === 0 ? text.slice(0, text.length / 2) : "\0garbage");
    }
    fresh.clearRequests();
    assert.deepEqual(
      await readAll(testRegistry({ cacheDir, indexUrl: fresh.indexUrl }).client),
      EXPECTED,
    );
    assert.ok(fresh.requests.length > 0);
    for (const path of entries) JSON.parse(readFileSync(path, "utf8"));
  });

  it("lets two processes fill one cache at the same time", async () => {
    const cacheDir = freshCache();
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          ["--import", "tsx", CONTENDER, cacheDir, stale.indexUrl, ...PACKAGES],
          { stdio: ["ignore", "pipe", "pipe"] },
        );
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", reject);
        child.on("close", (code) =>
          code === 0 ? resolve(stdout) : reject(new Error(`exit ${code}: ${stderr}`)),
        );
      });
    const outputs = await Promise.all([run(), run()]);
    for (const output of outputs) assert.deepEqual(output.trim().split("\n"), EXPECTED);
    assert.deepEqual(
      await readAll(testRegistry({ cacheDir, indexUrl: stale.indexUrl }).client),
      EXPECTED,
    );
  });
});

function listFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}
