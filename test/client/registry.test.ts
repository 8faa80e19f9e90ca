import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import type { PackageFiles } from "../../src/client/registry-client.ts";
import { PackageName } from "../../src/normalize/index.ts";
import { PuffinError } from "../../src/support/index.ts";
import { IndexServer } from "../support/index-server.ts";
import { testRegistry } from "../support/registry.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel, writeWheel } from "../support/wheel-builder.ts";

const root = testDirectory("registry");
let cacheCount = 0;
const freshCache = () => join(root, `cache-${cacheCount++}`);
const name = (text: string) => PackageName.parse(text);
const filenames = (files: PackageFiles) => files.files.map((f) => f.file.filename);
const projectRequests = (server: IndexServer) =>
  server.requests.filter((r) => r.path.startsWith("/simple/")).map((r) => r.path);

describe("RegistryClient.simple: the first-index rule", () => {
  let first: IndexServer;
  let second: IndexServer;
  before(async () => {
    first = await IndexServer.start({
      files: [
        buildWheel({ name: "shared", version: "1.0" }),
        buildWheel({ name: "only-first", version: "1.0" }),
      ],
    });
    second = await IndexServer.start({
      files: [
        buildWheel({ name: "shared", version: "9.0" }),
        buildWheel({ name: "only-second", version: "2.0" }),
      ],
    });
  });
  after(async () => {
    await first.close();
    await second.close();
  });

  it("takes a package found on the first index from it alone, never asking later indexes", async () => {
    // The extra index is consulted before the default one (uv's order).
    const { client } = testRegistry({
      cacheDir: freshCache(),
      indexUrl: second.indexUrl,
      extraIndexUrls: [first.indexUrl],
    });
    const files = await client.simple(name("shared"));
    assert.deepEqual(filenames(files), ["shared-1.0-py3-none-any.whl"]);
    assert.equal(files.index?.url, first.indexUrl);
    assert.deepEqual(projectRequests(second), []);
  });

  it("moves on to the next index when one answers 404", async () => {
    const { client } = testRegistry({
      cacheDir: freshCache(),
      indexUrl: second.indexUrl,
      extraIndexUrls: [first.indexUrl],
    });
    const files = await client.simple(name("only-second"));
    assert.deepEqual(filenames(files), ["only_second-2.0-py3-none-any.whl"]);
    assert.equal(files.index?.url, second.indexUrl);
  });

  it("returns no files (and no index) when no location has the package", async () => {
    const { client } = testRegistry({ cacheDir: freshCache(), indexUrl: first.indexUrl });
    const files = await client.simple(name("missing"));
    assert.equal(files.index, undefined);
    assert.deepEqual(files.files, []);
  });

  it("fails on an error other than 404 instead of trying the next index", async () => {
    const failing = await IndexServer.start({
      files: [buildWheel({ name: "shared", version: "5.0" })],
      faults: [{ kind: "status", status: 500 }],
    });
    try {
      const { client } = testRegistry({
        cacheDir: freshCache(),
        indexUrl: second.indexUrl,
        extraIndexUrls: [failing.indexUrl],
      });
      await assert.rejects(client.simple(name("shared")), (error: unknown) => {
        assert.ok(error instanceof PuffinError);
        assert.equal(error.code, "http-error");
        assert.match(error.message, /500/);
        return true;
      });
      assert.deepEqual(
        projectRequests(second).filter((p) => p.includes("shared")),
        [],
      );
    } finally {
      await failing.close();
    }
  });

  it("shares one fetch between concurrent requests for a package", async () => {
    first.clearRequests();
    const { client } = testRegistry({ cacheDir: freshCache(), indexUrl: first.indexUrl });
    const [a, b] = await Promise.all([
      client.simple(name("shared")),
      client.simple(name("Shared")),
    ]);
    assert.deepEqual(filenames(a), filenames(b));
    assert.equal(projectRequests(first).length, 1);
  });
});

describe("RegistryClient.simple: page formats", () => {
  const wheel = buildWheel({ name: "Fmt.Pkg", version: "1.2" });
  for (const format of ["json", "html"] as const) {
    it(`reads PEP ${format === "json" ? "691 JSON" : "503 HTML"} pages`, async () => {
      const server = await IndexServer.start({
        files: [{ ...wheel, requiresPython: ">=3.8", yanked: "broken" }],
        formats: [format],
      });
      try {
        const { client } = testRegistry({ cacheDir: freshCache(), indexUrl: server.indexUrl });
        const files = await client.simple(name("fmt-pkg"));
        assert.equal(files.files.length, 1);
        const file = files.files[0]!.file;
        assert.equal(file.filename, wheel.filename);
        assert.equal(file.url, server.fileUrl(wheel.filename));
        assert.equal(file.hashes.sha256, wheel.sha256);
        assert.equal(file.requiresPythonRaw, ">=3.8");
        assert.deepEqual(file.yanked, { reason: "broken" });
        assert.equal(file.size, format === "json" ? wheel.bytes.length : undefined);
        const request = server.requests.find((r) => r.path === "/simple/fmt-pkg/");
        assert.match(String(request?.headers.accept), /application\/vnd\.pypi\.simple\.v1\+json/);
      } finally {
        await server.close();
      }
    });
  }
});

describe("RegistryClient.simple: find-links", () => {
  it("adds find-links files (a page and a directory) to the index's candidates", async () => {
    const links = await IndexServer.start({
      files: [buildWheel({ name: "joined", version: "2.0" })],
    });
    const index = await IndexServer.start({
      files: [buildWheel({ name: "joined", version: "1.0" })],
    });
    const directory = join(root, "find-links");
    mkdirSync(directory);
    writeWheel(directory, { name: "joined", version: "3.0" });
    writeWheel(directory, { name: "unrelated", version: "1.0" });
    writeFileSync(join(directory, "README.txt"), "not a distribution\n");
    try {
      const { client } = testRegistry({
        cacheDir: freshCache(),
        indexUrl: index.indexUrl,
        findLinks: [links.findLinksUrl, directory],
      });
      const files = await client.simple(name("joined"));
      assert.deepEqual(filenames(files), [
        "joined-1.0-py3-none-any.whl",
        "joined-2.0-py3-none-any.whl",
        "joined-3.0-py3-none-any.whl",
      ]);
      assert.deepEqual(
        files.files.map((f) => f.origin.kind),
        ["index", "find-links", "find-links"],
      );
      // Only find-links: a package no index has.
      const only = await client.simple(name("unrelated"));
      assert.equal(only.index, undefined);
      assert.deepEqual(filenames(only), ["unrelated-1.0-py3-none-any.whl"]);
      // The page is read once for both packages.
      assert.equal(links.requests.filter((r) => r.path === "/links/").length, 1);
    } finally {
      await links.close();
      await index.close();
    }
  });
});

describe("RegistryClient.simple: file:// index trees", () => {
  const tree = join(root, "tree");
  before(() => {
    // `<root>/<name>/index.html` with links relative to the page, as /opt/pypi is laid out.
    mkdirSync(join(tree, "files"), { recursive: true });
    mkdirSync(join(tree, "simple", "paged"), { recursive: true });
    const paged = writeWheel(join(tree, "files"), { name: "paged", version: "1.0" });
    writeFileSync(
      join(tree, "simple", "paged", "index.html"),
      `<!DOCTYPE html><html><body>\n<a href="../../files/${paged.filename}#sha256=${paged.sha256}">${paged.filename}</a>\n</body></html>\n`,
    );
    // A project directory without index.html: its files are the listing.
    mkdirSync(join(tree, "simple", "listed"));
    writeWheel(join(tree, "simple", "listed"), { name: "listed", version: "0.5" });
  });

  it("reads <name>/index.html with relative links", async () => {
    const { client } = testRegistry({
      cacheDir: freshCache(),
      indexUrl: pathToFileURL(join(tree, "simple")).href,
    });
    const files = await client.simple(name("paged"));
    assert.deepEqual(filenames(files), ["paged-1.0-py3-none-any.whl"]);
    assert.equal(
      files.files[0]!.file.url,
      pathToFileURL(join(tree, "files", "paged-1.0-py3-none-any.whl")).href,
    );
    const metadata = await client.wheelMetadata(files.files[0]!);
    assert.equal(metadata.version.toString(), "1.0");
  });

  it("lists a project directory without index.html, and skips an index without the directory", async () => {
    const empty = join(root, "empty-index");
    mkdirSync(empty);
    const { client } = testRegistry({
      cacheDir: freshCache(),
      indexUrl: join(tree, "simple"),
      extraIndexUrls: [pathToFileURL(empty).href],
    });
    const files = await client.simple(name("listed"));
    assert.deepEqual(filenames(files), ["listed-0.5-py3-none-any.whl"]);
    assert.equal((await client.wheelMetadata(files.files[0]!)).name, "listed");
  });
});
