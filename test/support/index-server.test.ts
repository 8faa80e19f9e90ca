import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { PackageName } from "../../src/normalize/index.ts";
import {
  parseFlatIndexHtml,
  parseSimpleHtmlProject,
  parseSimpleJsonProject,
  SIMPLE_API_ACCEPT,
} from "../../src/pypi-types/index.ts";
import { parseSimpleHtmlIndex } from "../../src/pypi-types/simple-html.ts";
import { GARBAGE, IndexServer } from "./index-server.ts";
import { buildSdist } from "./sdist-builder.ts";
import { buildWheel, writeWheel } from "./wheel-builder.ts";

const wheel = buildWheel({ name: "Demo", version: "1.0", requiresDist: ["dep>=1"] });
const newer = buildWheel({ name: "demo", version: "2.0" });
const sdist = buildSdist({ name: "demo", version: "1.0" });
const other = buildWheel({ name: "other-pkg", version: "0.1" });

describe("IndexServer", () => {
  let server: IndexServer;
  before(async () => {
    server = await IndexServer.start({
      files: [
        { ...wheel, requiresPython: ">=3.8,<4", uploadTime: "2024-01-02T03:04:05Z" },
        { ...newer, yanked: "broken <build>" },
        sdist,
        other,
      ],
      maxAge: 60,
    });
  });
  after(() => server.close());

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(new URL(path, server.url), { headers, redirect: "manual" });

  it("serves the project list as PEP 503 HTML", async () => {
    const response = await get("/simple/");
    assert.equal(response.status, 200);
    const index = parseSimpleHtmlIndex(await response.text(), server.indexUrl);
    assert.deepEqual(
      index.projects.map((p) => [p.name, p.url]),
      [
        ["demo", `${server.url}/simple/demo/`],
        ["other-pkg", `${server.url}/simple/other-pkg/`],
      ],
    );
  });

  it("serves a project page with hashes, escaped requires-python, yanked and PEP 658 metadata", async () => {
    const response = await get("/simple/demo/");
    assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(response.headers.get("cache-control"), "max-age=60");
    const html = await response.text();
    assert.match(html, /data-requires-python="&gt;=3\.8,&lt;4"/);
    assert.match(html, /data-yanked="broken &lt;build&gt;"/);
    const project = parseSimpleHtmlProject(html, {
      url: `${server.url}/simple/demo/`,
      packageName: PackageName.parse("demo"),
    });
    const byName = new Map(project.files.map((f) => [f.filename, f]));
    assert.deepEqual([...byName.keys()], [wheel.filename, newer.filename, sdist.filename]);
    const first = byName.get(wheel.filename)!;
    assert.equal(first.url, server.fileUrl(wheel.filename));
    assert.equal(first.hashes.sha256, wheel.sha256);
    assert.equal(first.requiresPythonRaw, ">=3.8,<4");
    assert.deepEqual(byName.get(newer.filename)!.yanked, { reason: "broken <build>" });
    assert.equal(byName.get(sdist.filename)!.coreMetadata, undefined);
    const metadataHash = (first.coreMetadata as { hashes: { sha256: string } }).hashes.sha256;
    const metadata = await get(`/files/${wheel.filename}.metadata`);
    const { createHash } = await import("node:crypto");
    const bytes = new Uint8Array(await metadata.arrayBuffer());
    assert.equal(createHash("sha256").update(bytes).digest("hex"), metadataHash);
    assert.deepEqual(Buffer.from(bytes), Buffer.from(wheel.metadata));
  });

  it("serves PEP 691 JSON when asked for it, with PEP 700 fields", async () => {
    const response = await get("/simple/demo/", { Accept: SIMPLE_API_ACCEPT });
    assert.equal(response.headers.get("content-type"), "application/vnd.pypi.simple.v1+json");
    assert.equal(response.headers.get("vary"), "Accept");
    const text = await response.text();
    const raw = JSON.parse(text);
    assert.deepEqual(raw.versions, ["1.0", "2.0"]);
    assert.equal(raw.meta["api-version"], "1.1");
    const project = parseSimpleJsonProject(text, { url: `${server.url}/simple/demo/` });
    const first = project.files[0]!;
    assert.equal(first.filename, wheel.filename);
    assert.equal(first.size, wheel.bytes.length);
    assert.equal(first.uploadTime, "2024-01-02T03:04:05Z");
    assert.equal(first.url, server.fileUrl(wheel.filename));
    assert.deepEqual(project.files[1]!.yanked, { reason: "broken <build>" });
    const root = (await (
      await get("/simple/", { Accept: "application/vnd.pypi.simple.v1+json" })
    ).json()) as { projects: unknown };
    assert.deepEqual(root.projects, [{ name: "demo" }, { name: "other-pkg" }]);
  });

  it("prefers HTML when the client prefers it, and says 406 when nothing fits", async () => {
    const html = await get("/simple/demo/", {
      Accept: "application/vnd.pypi.simple.v1+html, application/vnd.pypi.simple.v1+json;q=0.5",
    });
    assert.equal(html.headers.get("content-type"), "application/vnd.pypi.simple.v1+html");
    assert.equal((await get("/simple/demo/", { Accept: "image/png" })).status, 406);
  });

  it("redirects other spellings of a name and 404s unknown projects and files", async () => {
    const moved = await get("/simple/DEMO/");
    assert.equal(moved.status, 301);
    assert.equal(moved.headers.get("location"), "/simple/demo/");
    assert.equal((await get("/simple/demo")).headers.get("location"), "/simple/demo/");
    assert.equal((await get("/simple/nothing/")).status, 404);
    assert.equal((await get("/files/nothing.whl")).status, 404);
    assert.equal((await get(`/files/${sdist.filename}.metadata`)).status, 404);
  });

  it("serves files whole, and single ranges with 206 / 416", async () => {
    const whole = await get(`/files/${wheel.filename}`);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get("accept-ranges"), "bytes");
    assert.deepEqual(Buffer.from(await whole.arrayBuffer()), Buffer.from(wheel.bytes));
    const size = wheel.bytes.length;
    const cases: [string, number, string | null, number, number][] = [
      ["bytes=0-9", 206, `bytes 0-9/${size}`, 0, 10],
      ["bytes=-22", 206, `bytes ${size - 22}-${size - 1}/${size}`, size - 22, size],
      [`bytes=${size - 5}-`, 206, `bytes ${size - 5}-${size - 1}/${size}`, size - 5, size],
      [`bytes=10-${size + 100}`, 206, `bytes 10-${size - 1}/${size}`, 10, size],
      [`bytes=${size}-`, 416, `bytes */${size}`, 0, 0],
      ["bytes=0-1,5-6", 200, null, 0, size],
    ];
    for (const [range, status, contentRange, start, end] of cases) {
      const response = await get(`/files/${wheel.filename}`, { Range: range });
      assert.equal(response.status, status, range);
      assert.equal(response.headers.get("content-range"), contentRange, range);
      const body = Buffer.from(await response.arrayBuffer());
      if (status !== 416)
        assert.deepEqual(body, Buffer.from(wheel.bytes.subarray(start, end)), range);
    }
  });

  it("sends validators and answers conditional requests with 304", async () => {
    const first = await get("/simple/demo/");
    await first.text();
    const etag = first.headers.get("etag")!;
    const lastModified = first.headers.get("last-modified")!;
    assert.match(etag, /^"[0-9a-f]{32}"$/);
    assert.equal((await get("/simple/demo/", { "If-None-Match": etag })).status, 304);
    assert.equal((await get("/simple/demo/", { "If-None-Match": '"other"' })).status, 200);
    assert.equal((await get("/simple/demo/", { "If-Modified-Since": lastModified })).status, 304);
    const file = await get(`/files/${wheel.filename}`);
    await file.arrayBuffer();
    assert.equal(file.headers.get("cache-control"), "public, max-age=31536000, immutable");
    const part = await get(`/files/${wheel.filename}`, { Range: "bytes=0-3" });
    await part.arrayBuffer();
    assert.equal(part.headers.get("etag"), file.headers.get("etag"), "a range has its file's ETag");
  });

  it("records every request with method, path, headers and status", async () => {
    server.clearRequests();
    await (await get("/simple/other-pkg/", { "X-Probe": "1" })).text();
    await (await fetch(server.fileUrl(other.filename), { method: "HEAD" })).arrayBuffer();
    assert.deepEqual(
      server.requests.map((r) => [r.method, r.path, r.status, r.headers["x-probe"]]),
      [
        ["GET", "/simple/other-pkg/", 200, "1"],
        ["HEAD", `/files/${other.filename}`, 200, undefined],
      ],
    );
  });

  it("serves a flat find-links page", async () => {
    const html = await (await get("/links/")).text();
    const flat = parseFlatIndexHtml(html, server.findLinksUrl);
    assert.deepEqual(
      [...flat.values()]
        .flat()
        .map((f) => f.filename)
        .sort(),
      [wheel.filename, newer.filename, sdist.filename, other.filename].sort(),
    );
  });
});

describe("IndexServer: faults, auth, directories", () => {
  it("fails N times with a status, then serves", async () => {
    const server = await IndexServer.start({
      files: [wheel],
      faults: [{ kind: "status", status: 503, times: 2, path: "/simple/demo/", retryAfter: 1 }],
    });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        const response = await fetch(`${server.indexUrl}demo/`);
        await response.text();
        statuses.push(response.status);
        if (i === 0) assert.equal(response.headers.get("retry-after"), "1");
      }
      assert.deepEqual(statuses, [503, 503, 200]);
      assert.deepEqual(
        server.requests.map((r) => r.status),
        [503, 503, 200],
      );
    } finally {
      await server.close();
    }
  });

  it("resets connections, slows responses, and ignores Range when told", async () => {
    const server = await IndexServer.start({ files: [wheel] });
    try {
      server.addFault({ kind: "reset", times: 1 });
      await assert.rejects(fetch(server.indexUrl));
      assert.equal(server.requests[0]!.status, "reset");
      assert.equal((await fetch(server.indexUrl)).status, 200);

      server.addFault({ kind: "slow", delayMs: 150, times: 1 });
      const start = Date.now();
      await (await fetch(server.indexUrl)).text();
      assert.ok(Date.now() - start >= 140);

      server.addFault({ kind: "ignore-range", path: /^\/files\// });
      const response = await fetch(server.fileUrl(wheel.filename), {
        headers: { Range: "bytes=0-9" },
      });
      assert.equal(response.status, 200);
      assert.equal((await response.arrayBuffer()).byteLength, wheel.bytes.length);
      server.clearFaults();
      assert.equal(
        (await fetch(server.fileUrl(wheel.filename), { headers: { Range: "bytes=0-9" } })).status,
        206,
      );
    } finally {
      await server.close();
    }
  });

  it("breaks bodies off: reset mid-body, truncated, stalled, each `times` times", async () => {
    const server = await IndexServer.start({ files: [wheel] });
    const url = server.fileUrl(wheel.filename);
    const path = `/files/${wheel.filename}`;
    try {
      server.addFault({ kind: "reset-mid-body", path, times: 1 });
      server.addFault({ kind: "truncate", path, times: 1, bytes: 10 });
      server.addFault({ kind: "stall", path, times: 1 });
      for (const kind of ["reset-mid-body", "truncate"]) {
        const response = await fetch(url);
        assert.equal(response.status, 200, kind);
        assert.equal(response.headers.get("content-length"), String(wheel.bytes.length));
        await assert.rejects(response.arrayBuffer(), kind);
      }
      const stalled = await fetch(url);
      const reader = stalled.body!.getReader();
      const first = await reader.read();
      assert.equal(first.value?.length, Math.floor(wheel.bytes.length / 2));
      const more = await Promise.race([
        reader.read().then(() => "more"),
        new Promise((resolve) => setTimeout(resolve, 200, "nothing")),
      ]);
      assert.equal(more, "nothing");
      await reader.cancel();
      const whole = await fetch(url);
      assert.equal((await whole.arrayBuffer()).byteLength, wheel.bytes.length);
      assert.deepEqual(
        server.requests.map((r) => r.status),
        ["reset-mid-body", "truncate", "stall", 200],
      );
    } finally {
      await server.close();
    }
  });

  it("serves garbage for a page, and redirects a path to itself", async () => {
    const server = await IndexServer.start({ files: [wheel] });
    try {
      server.addFault({ kind: "garbage", path: "/simple/demo/", times: 1 });
      const garbage = await fetch(`${server.indexUrl}demo/`);
      assert.equal(garbage.status, 200);
      assert.deepEqual(new Uint8Array(await garbage.arrayBuffer()), GARBAGE);
      assert.match(await (await fetch(`${server.indexUrl}demo/`)).text(), /demo-1\.0/);

      server.addFault({ kind: "redirect-loop", path: "/simple/demo/" });
      const loop = await fetch(`${server.indexUrl}demo/?x=1`, { redirect: "manual" });
      assert.equal(loop.status, 302);
      assert.equal(loop.headers.get("location"), "/simple/demo/?x=1");
    } finally {
      await server.close();
    }
  });

  it("honours If-Range: a Range whose validator is stale gets the whole file", async () => {
    const server = await IndexServer.start({ files: [wheel] });
    try {
      const url = server.fileUrl(wheel.filename);
      const etag = (await fetch(url)).headers.get("etag")!;
      const current = await fetch(url, { headers: { Range: "bytes=5-", "If-Range": etag } });
      assert.equal(current.status, 206);
      const stale = await fetch(url, { headers: { Range: "bytes=5-", "If-Range": '"stale"' } });
      assert.equal(stale.status, 200);
      assert.equal((await stale.arrayBuffer()).byteLength, wheel.bytes.length);
    } finally {
      await server.close();
    }
  });

  it("requires Basic auth when configured", async () => {
    const server = await IndexServer.start({
      files: [wheel],
      auth: { username: "alice", password: "s3cret" },
    });
    try {
      const denied = await fetch(server.indexUrl);
      assert.equal(denied.status, 401);
      assert.equal(denied.headers.get("www-authenticate"), 'Basic realm="puffin-test"');
      const wrong = "Basic " + Buffer.from("alice:nope").toString("base64");
      assert.equal(
        (await fetch(server.indexUrl, { headers: { Authorization: wrong } })).status,
        401,
      );
      const right = "Basic " + Buffer.from("alice:s3cret").toString("base64");
      assert.equal(
        (await fetch(server.indexUrl, { headers: { Authorization: right } })).status,
        200,
      );
    } finally {
      await server.close();
    }
  });

  it("withholds PEP 658 metadata on every request for a built wheel given with coreMetadata: false", async () => {
    const server = await IndexServer.start({
      files: [wheel],
      coreMetadata: false,
      formats: ["html"],
    });
    try {
      for (let request = 0; request < 2; request++) {
        const html = await (await fetch(`${server.indexUrl}demo/`)).text();
        assert.doesNotMatch(html, /data-core-metadata/, `request ${request + 1}`);
      }
    } finally {
      await server.close();
    }
  });

  it("serves a directory, seeing files added later, with annotations; can withhold PEP 658 and JSON", async () => {
    const dir = mkdtempSync(join(tmpdir(), "puffin-index-"));
    const server = await IndexServer.start({
      directory: dir,
      annotations: { [newer.filename]: { requiresPython: ">=3.12" } },
      coreMetadata: false,
      formats: ["html"],
    });
    try {
      writeWheel(dir, { name: "demo", version: "1.0" });
      assert.equal((await fetch(`${server.indexUrl}demo/`)).status, 200);
      writeWheel(dir, { name: "demo", version: "2.0" });
      const response = await fetch(`${server.indexUrl}demo/`, {
        headers: { Accept: SIMPLE_API_ACCEPT },
      });
      assert.equal(response.headers.get("content-type"), "application/vnd.pypi.simple.v1+html");
      const project = parseSimpleHtmlProject(await response.text(), {
        url: `${server.indexUrl}demo/`,
        packageName: PackageName.parse("demo"),
      });
      assert.deepEqual(
        project.files.map((f) => [f.filename, f.requiresPythonRaw, f.coreMetadata]),
        [
          ["demo-1.0-py3-none-any.whl", undefined, undefined],
          ["demo-2.0-py3-none-any.whl", ">=3.12", undefined],
        ],
      );
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("can advertise a wrong hash or serve tampered metadata", async () => {
    const server = await IndexServer.start({
      files: [
        { ...wheel, advertisedSha256: "0".repeat(64), tamperedMetadata: new Uint8Array([1]) },
      ],
    });
    try {
      const html = await (await fetch(`${server.indexUrl}demo/`)).text();
      assert.match(html, /#sha256=0{64}"/);
      const metadata = await fetch(`${server.fileUrl(wheel.filename)}.metadata`);
      assert.deepEqual([...new Uint8Array(await metadata.arrayBuffer())], [1]);
    } finally {
      await server.close();
    }
  });
});
