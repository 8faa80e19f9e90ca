import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { RegistryClient } from "../../src/client/index.ts";
import type { RegistryFile } from "../../src/distribution-types/index.ts";
import { PackageName } from "../../src/normalize/index.ts";
import { PuffinError } from "../../src/support/index.ts";
import { type IndexFile, IndexServer, type RecordedRequest } from "../support/index-server.ts";
import { testRegistry } from "../support/registry.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel, writeWheel } from "../support/wheel-builder.ts";

const root = testDirectory("registry-metadata");
let cacheCount = 0;
const freshCache = () => join(root, `cache-${cacheCount++}`);

/** 2 MB of incompressible data ahead of the .dist-info, so the wheel is large and not shrinkable. */
const large = buildWheel({
  name: "large",
  version: "1.0",
  requiresDist: ["dep>=1"],
  files: { "large/blob.bin": randomBytes(2 * 1024 * 1024), "large/__init__.py": "" },
});
const small = buildWheel({ name: "small", version: "0.1", requiresDist: ["other; extra == 'x'"] });

async function onlyWheel(client: RegistryClient, project: string): Promise<RegistryFile> {
  const files = await client.simple(PackageName.parse(project));
  assert.equal(files.files.length, 1);
  return files.files[0]!;
}

const fileRequests = (server: IndexServer): RecordedRequest[] =>
  server.requests.filter((r) => r.path.startsWith("/files/"));

/** Bytes a recorded range request asked for (the whole file when it had no Range). */
function requestedBytes(request: RecordedRequest, size: number): number {
  const range = String(request.headers.range ?? "");
  const suffix = /^bytes=-(\d+)$/.exec(range);
  if (suffix !== null) return Math.min(size, Number(suffix[1]));
  const span = /^bytes=(\d+)-(\d+)$/.exec(range);
  if (span !== null) return Number(span[2]) - Number(span[1]) + 1;
  return size;
}

describe("RegistryClient.wheelMetadata over HTTP", () => {
  let server: IndexServer;
  before(async () => {
    server = await IndexServer.start({
      files: [
        // Only filename and bytes: a built wheel's `metadata` field would make the server
        // advertise PEP 658 metadata from the second page on (see the report on IndexServer).
        { filename: large.filename, bytes: large.bytes, coreMetadata: false },
        { ...small, coreMetadata: true },
        {
          ...buildWheel({ name: "tampered", version: "1.0" }),
          tamperedMetadata: new TextEncoder().encode(
            "Metadata-Version: 2.1\nName: tampered\nVersion: 6.6.6\n",
          ),
        },
        {
          filename: "liar-2.0-py3-none-any.whl",
          bytes: buildWheel({ name: "liar", version: "1.0" }).bytes,
          coreMetadata: false,
        },
      ] satisfies IndexFile[],
    });
  });
  after(() => server.close());

  it("uses the PEP 658 metadata file, verified, without touching the wheel", async () => {
    const { client } = testRegistry({ cacheDir: freshCache(), indexUrl: server.indexUrl });
    const file = await onlyWheel(client, "small");
    server.clearRequests();
    const metadata = await client.wheelMetadata(file);
    assert.equal(metadata.name, "small");
    assert.equal(metadata.requiresDist[0]?.name, "other");
    assert.deepEqual(
      server.requests.map((r) => r.path),
      [`/files/${small.filename}.metadata`],
    );
  });

  it("refuses a PEP 658 file whose hash differs from the page's, naming both hashes", async () => {
    const { client } = testRegistry({ cacheDir: freshCache(), indexUrl: server.indexUrl });
    const file = await onlyWheel(client, "tampered");
    const listed = file.file.coreMetadata;
    assert.ok(listed !== undefined && listed !== true);
    await assert.rejects(client.wheelMetadata(file), (error: unknown) => {
      assert.ok(error instanceof PuffinError);
      assert.equal(error.code, "hash-mismatch");
      assert.ok(error.message.includes(listed.hashes.sha256!), error.message);
      assert.match(error.message, /computed sha256:[0-9a-f]{64}/);
      return true;
    });
  });

  it("reads a wheel without PEP 658 with at most 3 range requests and a fraction of its bytes", async () => {
    const { client } = testRegistry({ cacheDir: freshCache(), indexUrl: server.indexUrl });
    const file = await onlyWheel(client, "large");
    server.clearRequests();
    const metadata = await client.wheelMetadata(file);
    assert.equal(metadata.name, "large");
    assert.equal(metadata.requiresDist.length, 1);
    const requests = fileRequests(server);
    assert.ok(requests.length >= 1 && requests.length <= 3, `${requests.length} requests`);
    assert.ok(
      requests.every((r) => r.status === 206 && r.headers.range !== undefined),
      JSON.stringify(requests.map((r) => [r.path, r.status, r.headers.range])),
    );
    const bytes = requests.reduce((sum, r) => sum + requestedBytes(r, large.bytes.length), 0);
    assert.ok(large.bytes.length > 2_000_000);
    assert.ok(bytes < large.bytes.length / 10, `${bytes} of ${large.bytes.length} bytes`);
  });

  it("downloads the wheel once from a server that ignores Range", async () => {
    server.addFault({ kind: "ignore-range", path: `/files/${large.filename}` });
    try {
      const { client } = testRegistry({ cacheDir: freshCache(), indexUrl: server.indexUrl });
      const file = await onlyWheel(client, "large");
      server.clearRequests();
      const metadata = await client.wheelMetadata(file);
      assert.equal(metadata.version.toString(), "1.0");
      assert.deepEqual(
        fileRequests(server).map((r) => r.status),
        [200],
      );
    } finally {
      server.clearFaults();
    }
  });

  it("refuses METADATA that names another version than the filename", async () => {
    const { client } = testRegistry({ cacheDir: freshCache(), indexUrl: server.indexUrl });
    const file = await onlyWheel(client, "liar");
    await assert.rejects(client.wheelMetadata(file), (error: unknown) => {
      assert.ok(error instanceof PuffinError);
      assert.equal(error.code, "wheel-metadata-mismatch");
      assert.match(error.message, /liar 1\.0, but the filename says liar 2\.0/);
      return true;
    });
  });
});

describe("RegistryClient.localWheelMetadata", () => {
  it("reads a local wheel in place and caches it by path, mtime and size", async () => {
    const directory = join(root, "local");
    mkdirSync(directory);
    const wheel = writeWheel(directory, { name: "local-pkg", version: "1.0", requiresDist: ["a"] });
    const cacheDir = freshCache();
    const first = testRegistry({ cacheDir }).client;
    assert.deepEqual(
      (await first.localWheelMetadata(wheel.path)).requiresDist.map((r) => r.name),
      ["a"],
    );
    assert.ok(existsSync(join(cacheDir, "wheels-v0", "path")));
    // Rewritten (new mtime and size): read again.
    const rewritten = buildWheel({
      name: "local-pkg",
      version: "1.0",
      requiresDist: ["b", "c"],
    });
    writeFileSync(wheel.path, rewritten.bytes);
    utimesSync(wheel.path, new Date(), new Date(Date.now() + 5000));
    const third = testRegistry({ cacheDir }).client;
    assert.deepEqual(
      (await third.localWheelMetadata(wheel.path)).requiresDist.map((r) => r.name),
      ["b", "c"],
    );
  });
});
