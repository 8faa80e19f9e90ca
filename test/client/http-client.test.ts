import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type Server,
} from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { MAX_REDIRECTS, timeoutFromEnv } from "../../src/client/http-client.ts";
import { HttpError } from "../../src/client/http-response.ts";
import { HttpClient } from "../../src/client/index.ts";
import { IndexServer } from "../support/index-server.ts";
import { rejection, testHttpClients } from "../support/test-http-client.ts";
import { buildWheel } from "../support/wheel-builder.ts";

const wheel = buildWheel({ name: "demo", version: "1.0" });
const wheelPath = `/files/${wheel.filename}`;
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

const client = testHttpClients();

/** A loopback server with a handler, for what `IndexServer` does not do (redirects, proxying). */
async function startServer(
  handler: Parameters<typeof createServer>[1],
): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe("HttpClient", () => {
  let server: IndexServer;
  before(async () => {
    server = await IndexServer.start({ files: [wheel] });
  });
  after(() => server.close());
  afterEach(() => {
    server.clearFaults();
    server.clearRequests();
  });

  test("GET returns status, lower-case headers and the body", async () => {
    const response = await client().get(server.indexUrl);
    assert.equal(response.status, 200);
    assert.equal(response.url, server.indexUrl);
    assert.match(response.headers["content-type"] ?? "", /text\/html/);
    assert.ok(response.headers["etag"]);
    assert.match(await response.text(), /demo/);
    assert.equal(server.requests[0]?.headers["user-agent"], "puffin");
  });

  test("a download streams the body into a sink", async () => {
    const chunks: Uint8Array[] = [];
    const result = await client().download(server.fileUrl(wheel.filename), {
      write: (chunk) => {
        chunks.push(chunk);
      },
      reset: () => assert.fail("nothing to reset"),
    });
    assert.deepEqual(Buffer.concat(chunks), Buffer.from(wheel.bytes));
    assert.deepEqual(result, { url: server.fileUrl(wheel.filename), size: wheel.bytes.length });
  });

  test("500 twice, then 200: succeeds with three requests", async () => {
    server.addFault({ kind: "status", status: 500, times: 2, path: "/simple/" });
    const response = await client().get(server.indexUrl);
    assert.equal(response.status, 200);
    await response.text();
    assert.deepEqual(
      server.requests.map((r) => r.status),
      [500, 500, 200],
    );
  });

  test("429 with Retry-After waits as asked", async () => {
    server.addFault({ kind: "status", status: 429, retryAfter: 1, times: 1, path: "/simple/" });
    const started = Date.now();
    const response = await client().get(server.indexUrl);
    assert.equal(response.status, 200);
    assert.ok(Date.now() - started >= 950, "waited about a second");
    assert.equal(server.requests.length, 2);
  });

  test("a reset connection is retried", async () => {
    server.addFault({ kind: "reset", times: 1, path: "/simple/" });
    const response = await client().get(server.indexUrl);
    assert.equal(response.status, 200);
    assert.deepEqual(
      server.requests.map((r) => r.status),
      ["reset", 200],
    );
  });

  test("retries exhausted on 503: http-error with the status, after retries+1 requests", async () => {
    server.addFault({ kind: "status", status: 503, path: "/simple/" });
    const error = await rejection(client({ retries: 2 }).get(server.indexUrl));
    assert.ok(error instanceof HttpError);
    assert.equal(error.code, "http-error");
    assert.equal(error.status, 503);
    assert.equal(
      error.message,
      `Failed to fetch ${server.indexUrl}: HTTP 503 Service Unavailable (after 2 retries)`,
    );
    assert.equal(server.requests.length, 3);
  });

  test("retries exhausted on resets: http-connection with the cause chained", async () => {
    server.addFault({ kind: "reset", path: "/simple/" });
    const error = await rejection(client({ retries: 1 }).get(server.indexUrl));
    assert.equal(error.code, "http-connection");
    assert.match(
      error.message,
      /^Failed to connect to http:\/\/127\.0\.0\.1:\d+\/simple\/: .*\(after 1 retry\)$/,
    );
    assert.ok(error.cause instanceof Error);
    assert.equal(server.requests.length, 2);
  });

  test("a refused connection is http-connection", async () => {
    const closed = await startServer(() => {});
    await closed.close();
    const error = await rejection(client({ retries: 0 }).get(`${closed.url}/simple/`));
    assert.equal(error.code, "http-connection");
    assert.match(error.message, /ECONNREFUSED/);
  });

  test("404 is an HttpError at once, not retried", async () => {
    const error = await rejection(client().get(`${server.url}/simple/missing/`));
    assert.ok(error instanceof HttpError);
    assert.equal(error.status, 404);
    assert.equal(server.requests.length, 1);
  });

  test("a slow server times out with http-timeout", async () => {
    server.addFault({ kind: "slow", delayMs: 1500, path: "/simple/" });
    const error = await rejection(client({ timeoutMs: 200, retries: 0 }).get(server.indexUrl));
    assert.equal(error.code, "http-timeout");
    assert.match(error.message, /timed out after 0\.2s/);
    assert.match(error.hint ?? "", /PUFFIN_HTTP_TIMEOUT/);
  });

  test("a body that stops arriving fails with http-timeout (retries: transfer-retries.test.ts)", async () => {
    const stalling = await startServer((_request, response) => {
      response.writeHead(200, { "Content-Length": "100" });
      response.write("partial");
    });
    try {
      const url = `${stalling.url}/file`;
      const error = await rejection(client({ timeoutMs: 200, retries: 0 }).get(url));
      assert.equal(error.code, "http-timeout");
      assert.equal(error.message, `Failed to fetch ${url}: body stalled: no data for 0.2s`);
      assert.match(error.hint ?? "", /PUFFIN_HTTP_TIMEOUT/);
    } finally {
      await stalling.close();
    }
  });

  test("an aborted request rejects at once and is not retried", async () => {
    server.addFault({ kind: "slow", delayMs: 1000, path: "/simple/" });
    const controller = new AbortController();
    const pending = client().get(server.indexUrl, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(pending, { name: "AbortError" });
    assert.equal(server.requests.length, 1);
  });

  test("a timeout is retried", async () => {
    server.addFault({ kind: "slow", delayMs: 1500, times: 1, path: "/simple/" });
    const response = await client({ timeoutMs: 200 }).get(server.indexUrl);
    assert.equal(response.status, 200);
  });

  test("PUFFIN_HTTP_TIMEOUT is in seconds, default 30", () => {
    assert.equal(timeoutFromEnv({}), 30_000);
    assert.equal(timeoutFromEnv({ PUFFIN_HTTP_TIMEOUT: "5" }), 5000);
    assert.equal(timeoutFromEnv({ PUFFIN_HTTP_TIMEOUT: "0.5" }), 500);
    assert.equal(HttpClient.create({ env: { PUFFIN_HTTP_TIMEOUT: "7" } }).timeoutMs, 7000);
    assert.throws(() => timeoutFromEnv({ PUFFIN_HTTP_TIMEOUT: "soon" }), {
      code: "invalid-http-timeout",
    });
  });

  describe("ranges", () => {
    const size = wheel.bytes.length;
    const cases: [string, { start: number; end?: number } | { suffix: number }, number, number][] =
      [
        ["start-end", { start: 0, end: 9 }, 0, 10],
        ["open end", { start: size - 5 }, size - 5, size],
        ["suffix", { suffix: 22 }, size - 22, size],
      ];
    for (const [name, range, from, to] of cases) {
      test(`${name}: 206 with the part`, async () => {
        const response = await client().get(server.fileUrl(wheel.filename), { range });
        assert.equal(response.status, 206);
        assert.equal(response.headers["content-range"], `bytes ${from}-${to - 1}/${size}`);
        assert.deepEqual(await response.bytes(), wheel.bytes.subarray(from, to));
      });
    }

    test("a server that ignores Range answers 200 with the whole body", async () => {
      server.addFault({ kind: "ignore-range", path: wheelPath });
      const response = await client().get(server.fileUrl(wheel.filename), {
        range: { suffix: 22 },
      });
      assert.equal(response.status, 200, "the status tells the caller it got everything");
      assert.deepEqual(await response.bytes(), wheel.bytes);
      assert.equal(server.requests[0]?.headers.range, "bytes=-22");
    });
  });

  test("offline: no request is sent", async () => {
    const error = await rejection(client({ offline: true }).get(server.indexUrl));
    assert.equal(error.code, "offline-not-cached");
    assert.equal(server.requests.length, 0);
  });

  test("same-host redirects are followed", async () => {
    const response = await client().get(`${server.url}/simple/Demo`);
    assert.equal(response.status, 200);
    assert.equal(response.url, `${server.url}/simple/demo/`);
    assert.deepEqual(
      server.requests.map((r) => [r.path, r.status]),
      [
        ["/simple/Demo", 301],
        ["/simple/demo/", 200],
      ],
    );
  });

  test(`more than ${MAX_REDIRECTS} redirects fail`, async () => {
    let hops = 0;
    const loop = await startServer((_request, response) => {
      hops++;
      response.writeHead(302, { Location: `/loop/${hops}` }).end();
    });
    try {
      const error = await rejection(client().get(`${loop.url}/loop/0`));
      assert.equal(error.code, "http-error");
      assert.match(error.message, /Too many redirects/);
      assert.equal(hops, MAX_REDIRECTS + 1);
    } finally {
      await loop.close();
    }
  });
});

describe("HttpClient credentials", () => {
  const username = "alice";
  const password = "s3cret-pa55";
  let server: IndexServer;
  let dir: string;
  before(async () => {
    server = await IndexServer.start({ files: [wheel], auth: { username, password } });
    dir = await mkdtemp(join(tmpdir(), "puffin-http-"));
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    server.clearFaults();
    server.clearRequests();
  });

  const withUserInfo = (url: string, user: string, pass: string) =>
    url.replace("http://", `http://${user}:${pass}@`);

  test("URL credentials are sent as Basic auth and stripped from the URL", async () => {
    const http = client();
    const response = await http.get(withUserInfo(server.indexUrl, username, password));
    assert.equal(response.status, 200);
    assert.equal(response.url, server.indexUrl);
    assert.equal(server.requests[0]?.headers.authorization, basic(username, password));
    // The realm remembers them: a file URL the index links to, without user-info.
    const file = await http.get(server.fileUrl(wheel.filename));
    assert.equal(file.status, 200);
    assert.equal(server.requests[1]?.headers.authorization, basic(username, password));
  });

  test("percent-encoded URL credentials are decoded", async () => {
    const special = await IndexServer.start({ auth: { username: "a@b", password: "p:w/d" } });
    try {
      const url = special.indexUrl.replace("http://", "http://a%40b:p%3Aw%2Fd@");
      const response = await client().get(url);
      assert.equal(response.status, 200);
      assert.equal(special.requests[0]?.headers.authorization, basic("a@b", "p:w/d"));
    } finally {
      await special.close();
    }
  });

  test("netrc credentials are applied to their host", async () => {
    const netrc = join(dir, "netrc");
    await writeFile(netrc, `machine 127.0.0.1\n  login ${username}\n  password ${password}\n`);
    const response = await client({ netrcPath: netrc }).get(server.indexUrl);
    assert.equal(response.status, 200);
    assert.equal(server.requests[0]?.headers.authorization, basic(username, password));
  });

  test("NETRC names the netrc file", async () => {
    const netrc = join(dir, "netrc-env");
    await writeFile(netrc, `default login ${username} password ${password}\n`);
    const http = client({ env: { NETRC: netrc }, netrcPath: undefined });
    assert.equal((await http.get(server.indexUrl)).status, 200);
  });

  test("a username alone takes its password from netrc", async () => {
    const netrc = join(dir, "netrc-user");
    await writeFile(netrc, `machine 127.0.0.1 login ${username} password ${password}\n`);
    const url = server.indexUrl.replace("http://", `http://${username}@`);
    assert.equal((await client({ netrcPath: netrc }).get(url)).status, 200);
  });

  test("401 without credentials says so, with a hint", async () => {
    const error = await rejection(client().get(server.indexUrl));
    assert.ok(error instanceof HttpError);
    assert.equal(error.status, 401);
    assert.match(error.message, /HTTP 401 Unauthorized; no credentials were sent$/);
    assert.match(error.hint ?? "", /requires authentication.*netrc/);
    assert.equal(server.requests.length, 1, "a 401 is not retried");
  });

  test("rejected credentials never appear in the error", async () => {
    const error = await rejection(
      client().get(withUserInfo(server.indexUrl, "mallory", "hunter2")),
    );
    assert.equal((error as HttpError).status, 401);
    assert.match(error.hint ?? "", /rejected/);
    for (const text of [error.message, error.hint ?? "", JSON.stringify(error)]) {
      assert.doesNotMatch(text, /hunter2|mallory/);
    }
  });

  test("credentials never appear in connection errors", async () => {
    server.addFault({ kind: "reset" });
    const error = await rejection(
      client({ retries: 0 }).get(withUserInfo(server.indexUrl, username, password)),
    );
    assert.equal(error.code, "http-connection");
    assert.doesNotMatch(error.message, new RegExp(password));
    assert.ok(error.message.includes(server.indexUrl));
  });

  test("a redirect to another host drops the credentials", async () => {
    const open = await IndexServer.start({ files: [wheel] });
    const seen: IncomingHttpHeaders[] = [];
    const redirector = await startServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(302, { Location: open.indexUrl }).end();
    });
    try {
      const response = await client().get(
        withUserInfo(`${redirector.url}/simple/`, username, password),
      );
      assert.equal(response.status, 200);
      assert.equal(seen[0]?.authorization, basic(username, password));
      assert.equal(open.requests[0]?.headers.authorization, undefined);
    } finally {
      await redirector.close();
      await open.close();
    }
  });
});

describe("HttpClient file:// URLs", () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "puffin-file-"));
    await mkdir(join(dir, "simple", "demo"), { recursive: true });
    await writeFile(join(dir, "simple", "demo", "index.html"), "<a href='x.whl'>x</a>");
    await writeFile(join(dir, wheel.filename), wheel.bytes);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test("a file is served whole with 200", async () => {
    const url = pathToFileURL(join(dir, wheel.filename));
    const response = await client().get(url);
    assert.equal(response.status, 200);
    assert.equal(response.headers["content-length"], String(wheel.bytes.length));
    assert.deepEqual(await response.bytes(), wheel.bytes);
  });

  test("Range is honoured", async () => {
    const url = pathToFileURL(join(dir, wheel.filename)).href;
    const size = wheel.bytes.length;
    const tail = await client().get(url, { range: { suffix: 22 } });
    assert.equal(tail.status, 206);
    assert.equal(tail.headers["content-range"], `bytes ${size - 22}-${size - 1}/${size}`);
    assert.deepEqual(await tail.bytes(), wheel.bytes.subarray(size - 22));
    const head = await client().get(url, { range: { start: 2, end: 5 } });
    assert.deepEqual(await head.bytes(), wheel.bytes.subarray(2, 6));
  });

  test("a directory is served as its index.html, named in the response URL", async () => {
    const url = `${pathToFileURL(join(dir, "simple", "demo")).href}/`;
    const response = await client().get(url);
    assert.equal(response.url, `${url}index.html`);
    assert.equal(response.headers["content-type"], "text/html");
    assert.equal(await response.text(), "<a href='x.whl'>x</a>");
  });

  test("a missing file is a 404 HttpError", async () => {
    const url = pathToFileURL(join(dir, "nope.whl"));
    const error = await rejection(client().get(url));
    assert.ok(error instanceof HttpError);
    assert.equal(error.status, 404);
    assert.match(error.message, /nope\.whl/);
  });

  test("file:// works offline", async () => {
    const response = await client({ offline: true }).get(pathToFileURL(join(dir, wheel.filename)));
    assert.equal(response.status, 200);
  });
});

describe("HttpClient proxies", () => {
  let server: IndexServer;
  let proxy: Awaited<ReturnType<typeof startServer>>;
  const proxied: string[] = [];
  before(async () => {
    server = await IndexServer.start({ files: [wheel] });
    // A forward proxy: takes absolute-form requests (RFC 9112 §3.2.2) and relays them.
    proxy = await startServer((request, response) => {
      proxied.push(request.url ?? "");
      const target = new URL(request.url ?? "");
      const upstream = httpRequest(
        target,
        { method: request.method, headers: { ...request.headers, host: target.host } },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      upstream.on("error", () => response.writeHead(502).end());
      request.pipe(upstream);
    });
  });
  after(async () => {
    await proxy.close();
    await server.close();
  });
  afterEach(() => {
    proxied.length = 0;
  });

  for (const name of ["HTTP_PROXY", "http_proxy"]) {
    test(`${name} sends requests through the proxy`, async () => {
      const response = await client({ env: { [name]: proxy.url } }).get(server.indexUrl);
      assert.equal(response.status, 200);
      assert.match(await response.text(), /demo/);
      assert.deepEqual(proxied, [server.indexUrl]);
    });
  }

  for (const name of ["NO_PROXY", "no_proxy"]) {
    test(`${name} bypasses the proxy for its hosts`, async () => {
      const env = { HTTP_PROXY: proxy.url, [name]: "localhost,127.0.0.1" };
      const response = await client({ env }).get(server.indexUrl);
      assert.equal(response.status, 200);
      assert.deepEqual(proxied, []);
      assert.equal(server.requests.at(-1)?.path, "/simple/");
    });
  }
});
