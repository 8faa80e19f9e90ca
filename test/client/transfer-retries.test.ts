import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import type { DownloadSink } from "../../src/client/download-sink.ts";
import { MAX_REDIRECTS } from "../../src/client/http-client.ts";
import { HashingFileSink } from "../../src/client/index.ts";
import { type LogLevel, setLogSink } from "../../src/support/index.ts";
import { type Fault, IndexServer } from "../support/index-server.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { rejection, testHttpClients } from "../support/test-http-client.ts";
import { buildWheel } from "../support/wheel-builder.ts";

// A wheel large enough to arrive in several chunks (hex digits do not compress away), so "part
// of the body" is a real part.
const payload = Array.from(
  { length: 1500 },
  (_, i) => `H${i} = "${createHash("sha256").update(String(i)).digest("hex")}"\n`,
).join("");
const wheel = buildWheel({ name: "big", version: "1.0", files: { "big.py": payload } });
const changed = buildWheel({ name: "big", version: "1.0", files: { "big.py": `${payload}#\n` } });
const wheelPath = `/files/${wheel.filename}`;
const pagePath = "/simple/big/";
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const dir = testDirectory("transfer-retries");

const client = testHttpClients();

/** A sink that keeps what it is given, and counts resets. */
class MemorySink implements DownloadSink {
  chunks: Uint8Array[] = [];
  resets = 0;
  write(chunk: Uint8Array): void {
    this.chunks.push(chunk);
  }
  reset(): void {
    this.chunks = [];
    this.resets++;
  }
  get bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/**
 * The body faults, and what giving up on each says. A reset may reach the client as a reset or,
 * when the kernel reports the end of the stream first, as a connection that ended early.
 */
const bodyFaults: {
  kind: "reset-mid-body" | "truncate" | "stall";
  code: RegExp;
  failure: RegExp;
}[] = [
  {
    kind: "reset-mid-body",
    code: /^http-(connection|truncated)$/,
    failure: /connection reset after [\d.]+( \w+)? of [\d.]+ \w+|truncated: got \d+ of \d+ bytes/,
  },
  { kind: "truncate", code: /^http-truncated$/, failure: /truncated: got \d+ of \d+ bytes/ },
  { kind: "stall", code: /^http-timeout$/, failure: /body stalled: no data for 0\.3s/ },
];

/**
 * Timeouts: a stall never ends, so a stalled try always fails, however short or long the
 * timeout. A try that should succeed answers on loopback well within `PATIENT` (and were a
 * loaded machine to exceed it, it would be one more retry, which the "once" tests allow for);
 * tests of other faults keep the default of 30 s. Only tests where every try stalls, which must
 * fail anyway, use `IMPATIENT`.
 */
const PATIENT = 1500;
const IMPATIENT = 300;
const timeoutFor = (kind: string) => (kind === "stall" ? { timeoutMs: PATIENT } : {});

describe("HttpClient retries cover the whole transfer", () => {
  let server: IndexServer;
  before(async () => {
    server = await IndexServer.start({ files: [wheel] });
  });
  after(() => server.close());
  afterEach(() => {
    server.clearFaults();
    server.clearRequests();
    server.addFile(wheel);
  });

  const fault = (kind: Fault["kind"], path: string, times?: number) =>
    server.addFault({ kind, path, ...(times === undefined ? {} : { times }) } as Fault);

  describe("get: a body that breaks off is fetched again", () => {
    for (const { kind } of bodyFaults) {
      test(`${kind} once: the page arrives whole on the second try`, async () => {
        fault(kind, pagePath, 1);
        const response = await client(timeoutFor(kind)).get(`${server.indexUrl}big/`);
        assert.equal(response.status, 200);
        assert.match(await response.text(), /big-1\.0-py3-none-any\.whl/);
        assert.match(await response.text(), /<\/html>\n$/, "the whole page, not a part");
        assert.equal(server.requests[0]?.status, kind);
        assert.equal(server.requests.at(-1)?.status, 200);
        if (kind !== "stall") assert.equal(server.requests.length, 2);
      });
    }

    for (const { kind, code, failure } of bodyFaults) {
      test(`${kind} every time: gives up after the retries, naming the URL and the failure`, async () => {
        fault(kind, pagePath);
        const url = `${server.indexUrl}big/`;
        const error = await rejection(client({ timeoutMs: IMPATIENT, retries: 2 }).get(url));
        assert.match(error.code, code);
        assert.ok(error.message.startsWith(`Failed to fetch ${url}: `), error.message);
        assert.match(error.message, failure);
        assert.match(error.message, /\(after 2 retries\)$/);
        assert.equal(server.requests.length, 3);
      });
    }

    test("a range read shorter than its Content-Range is retried", async () => {
      fault("truncate", wheelPath, 1);
      const response = await client().get(server.fileUrl(wheel.filename), {
        range: { start: 100, end: 20_099 },
      });
      assert.equal(response.status, 206);
      assert.deepEqual(await response.bytes(), wheel.bytes.subarray(100, 20_100));
      assert.deepEqual(
        server.requests.map((r) => [r.headers.range, r.status]),
        [
          ["bytes=100-20099", "truncate"],
          ["bytes=100-20099", 206],
        ],
      );
    });

    test("a truncated range read, every time: http-truncated with the part's length", async () => {
      server.addFault({ kind: "truncate", path: wheelPath, bytes: 700 });
      const error = await rejection(
        client({ retries: 1 }).get(server.fileUrl(wheel.filename), {
          range: { start: 100, end: 20_099 },
        }),
      );
      assert.equal(error.code, "http-truncated");
      assert.equal(
        error.message,
        `Failed to fetch ${server.fileUrl(wheel.filename)}: truncated: got 700 of 20000 bytes (after 1 retry)`,
      );
    });

    test("a 503 with Retry-After, then a reset body, then success: one budget of retries", async () => {
      server.addFault({ kind: "status", status: 503, retryAfter: 0, times: 1, path: pagePath });
      fault("reset-mid-body", pagePath, 1);
      const response = await client({ retries: 2 }).get(`${server.indexUrl}big/`);
      assert.equal(response.status, 200);
      assert.deepEqual(
        server.requests.map((r) => r.status),
        [503, "reset-mid-body", 200],
      );
    });

    test("retries are logged at debug level, without credentials", async () => {
      const secured = await IndexServer.start({
        files: [wheel],
        auth: { username: "alice", password: "s3cret-pw" },
      });
      const lines: [LogLevel, string][] = [];
      setLogSink((level, message) => lines.push([level, message]), { debug: true, trace: false });
      try {
        secured.addFault({ kind: "truncate", path: pagePath, times: 1 });
        const url = `${secured.indexUrl}big/`.replace("http://", "http://alice:s3cret-pw@");
        assert.equal((await client().get(url)).status, 200);
        const retries = lines.filter(([, message]) => message.startsWith("Retrying"));
        assert.equal(retries.length, 1);
        assert.equal(retries[0]![0], "debug");
        assert.match(
          retries[0]![1],
          /^Retrying http:\/\/127\.0\.0\.1:\d+\/simple\/big\/ in \d+ ms \(retry 1 of 3\): truncated: got \d+ of \d+ bytes$/,
        );
        assert.doesNotMatch(JSON.stringify(lines), /s3cret-pw|alice/);
      } finally {
        setLogSink(undefined, { debug: false, trace: false });
        await secured.close();
      }
    });
  });

  describe("download: a broken body resumes where it stopped", () => {
    for (const { kind } of bodyFaults) {
      test(`${kind} once: resumes with Range and If-Range, the file is whole`, async () => {
        fault(kind, wheelPath, 1);
        const sink = new MemorySink();
        const url = server.fileUrl(wheel.filename);
        const result = await client(timeoutFor(kind)).download(url, sink);
        assert.equal(sha256(sink.bytes), sha256(wheel.bytes));
        assert.deepEqual(result, { url, size: wheel.bytes.length });
        assert.equal(sink.resets, 0, "nothing written had to be thrown away");
        const [first, second] = server.requests;
        if (kind !== "stall") assert.equal(server.requests.length, 2);
        assert.equal(first!.status, kind);
        assert.equal(first!.headers.range, undefined);
        const half = Math.floor(wheel.bytes.length / 2);
        assert.equal(second!.headers.range, `bytes=${half}-`);
        assert.equal(second!.headers["if-range"], `"${sha256(wheel.bytes).slice(0, 32)}"`);
        assert.equal(second!.status, 206);
      });
    }

    test("a server that ignores Range sends it all again: the sink is reset, the file right", async () => {
      fault("reset-mid-body", wheelPath, 1);
      fault("ignore-range", wheelPath);
      const sink = new MemorySink();
      await client().download(server.fileUrl(wheel.filename), sink);
      assert.equal(sink.resets, 1);
      assert.equal(sha256(sink.bytes), sha256(wheel.bytes));
      assert.deepEqual(
        server.requests.map((r) => [r.headers.range !== undefined, r.status]),
        [
          [false, "reset-mid-body"],
          [true, 200],
        ],
      );
    });

    test("a file that changed between tries is not spliced: If-Range gets the new file whole", async () => {
      fault("truncate", wheelPath, 1);
      const sink = new MemorySink();
      const replaceOnce = () => {
        if (server.requests.length === 1) server.addFile(changed);
      };
      await client().download(server.fileUrl(wheel.filename), {
        write: (chunk) => {
          replaceOnce();
          sink.write(chunk);
        },
        reset: () => sink.reset(),
      });
      assert.equal(sink.resets, 1);
      assert.equal(sha256(sink.bytes), sha256(changed.bytes));
      assert.equal(
        server.requests[1]?.headers["if-range"],
        `"${sha256(wheel.bytes).slice(0, 32)}"`,
      );
      assert.equal(server.requests[1]?.status, 200);
    });

    test("500 and 503 with Retry-After are retried as for get", async () => {
      server.addFault({ kind: "status", status: 500, times: 1, path: wheelPath });
      server.addFault({ kind: "status", status: 503, retryAfter: 0, times: 1, path: wheelPath });
      const sink = new MemorySink();
      await client().download(server.fileUrl(wheel.filename), sink);
      assert.equal(sha256(sink.bytes), sha256(wheel.bytes));
      assert.deepEqual(
        server.requests.map((r) => r.status),
        [500, 503, 200],
      );
    });

    for (const { kind, code, failure } of bodyFaults) {
      test(`${kind} every time: gives up after the retries, naming the URL and the failure`, async () => {
        fault(kind, wheelPath);
        const url = server.fileUrl(wheel.filename);
        const error = await rejection(
          client({ timeoutMs: IMPATIENT }).download(url, new MemorySink()),
        );
        assert.match(error.code, code);
        assert.ok(error.message.startsWith(`Failed to download ${url}: `), error.message);
        assert.match(error.message, failure);
        assert.match(error.message, /\(after 3 retries\)$/);
        assert.equal(server.requests.length, 4);
        if (kind === "truncate") {
          // Every try resumed, and got half of what was left.
          assert.match(error.message, new RegExp(`of ${wheel.bytes.length} bytes`));
          assert.ok(server.requests.slice(1).every((r) => r.headers.range !== undefined));
        }
      });
    }

    test("an error of the sink ends the download at once", async () => {
      const error = new Error("disk full");
      await assert.rejects(
        client().download(server.fileUrl(wheel.filename), {
          write: () => {
            throw error;
          },
          reset: () => {},
        }),
        (thrown) => thrown === error,
      );
      assert.equal(server.requests.length, 1);
    });

    test("an error status that retrying cannot change fails at once", async () => {
      const url = `${server.url}/files/missing.whl`;
      const thrown = await rejection(client().download(url, new MemorySink()));
      assert.equal(thrown.code, "http-error");
      assert.equal(thrown.message, `Failed to fetch ${url}: HTTP 404 Not Found`);
      assert.equal(server.requests.length, 1);
    });

    test("into a HashingFileSink: a restart leaves the file and its digests right", async () => {
      fault("reset-mid-body", wheelPath, 1);
      fault("ignore-range", wheelPath);
      const path = join(dir, "restart.whl");
      const sink = await HashingFileSink.create(path, ["sha256", "sha512"]);
      try {
        await client().download(server.fileUrl(wheel.filename), sink);
      } finally {
        await sink.close();
      }
      const digests = sink.digests();
      assert.equal(digests["sha256"], sha256(wheel.bytes));
      assert.equal(digests["sha512"], createHash("sha512").update(wheel.bytes).digest("hex"));
      assert.equal(sha256(readFileSync(path)), sha256(wheel.bytes));
    });
  });

  test("a redirect loop fails with a clear error, after a bounded number of requests", async () => {
    fault("redirect-loop", pagePath);
    const url = `${server.indexUrl}big/`;
    const error = await rejection(client().get(url));
    assert.equal(error.code, "http-error");
    assert.equal(
      error.message,
      `Redirect loop fetching ${url}: ${url} redirects (HTTP 302) to ${url}, which it already visited; gave up after ${MAX_REDIRECTS} redirects`,
    );
    assert.equal(server.requests.length, MAX_REDIRECTS + 1);
  });
});

describe("HttpClient.download against hand-written servers", () => {
  /**
   * Serves `body` with `headers`: the first request gets 1000 bytes of it and an ended
   * connection; a `Range: bytes=N-` whose `If-Range` matches `validator` gets `answerRange(N)`;
   * anything else the whole body.
   */
  async function serve(options: {
    headers: Record<string, string>;
    validator?: string;
    answerRange?: (start: number) => { status: number; headers: Record<string, string> };
  }) {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers);
      const range = request.headers.range?.match(/^bytes=(\d+)-$/);
      const matches =
        options.validator !== undefined && request.headers["if-range"] === options.validator;
      if (range && matches) {
        const start = Number(range[1]);
        const answer = options.answerRange?.(start) ?? {
          status: 206,
          headers: { "Content-Range": `bytes ${start}-${body.length - 1}/${body.length}` },
        };
        response.writeHead(answer.status, {
          ...options.headers,
          ...answer.headers,
          "Content-Length": String(body.length - start),
        });
        response.end(body.subarray(start));
        return;
      }
      response.writeHead(200, { ...options.headers, "Content-Length": String(body.length) });
      if (seen.length > 1) {
        response.end(body);
        return;
      }
      response.write(body.subarray(0, 1000), () => request.socket.end());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/file`,
      seen,
      close: () => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      },
    };
  }
  const body = Buffer.from(wheel.bytes);

  test("a strong Last-Modified guards the resume when there is no ETag", async () => {
    const lastModified = new Date(Date.now() - 86_400_000).toUTCString();
    const server = await serve({
      headers: { "Last-Modified": lastModified },
      validator: lastModified,
    });
    try {
      const sink = new MemorySink();
      await client().download(server.url, sink);
      assert.equal(sha256(sink.bytes), sha256(body));
      assert.equal(sink.resets, 0);
      assert.equal(server.seen[1]?.range, "bytes=1000-");
      assert.equal(server.seen[1]?.["if-range"], lastModified);
    } finally {
      await server.close();
    }
  });

  const noResume: [string, Parameters<typeof serve>[0]][] = [
    [
      "a weak ETag cannot guard a resume: the download starts over",
      { headers: { ETag: 'W/"weak"' }, validator: 'W/"weak"' },
    ],
    [
      "Accept-Ranges: none: the download starts over without asking for a range",
      { headers: { ETag: '"e"', "Accept-Ranges": "none" } },
    ],
  ];
  for (const [name, options] of noResume) {
    test(name, async () => {
      const server = await serve(options);
      try {
        const sink = new MemorySink();
        await client().download(server.url, sink);
        assert.equal(sha256(sink.bytes), sha256(body));
        assert.equal(sink.resets, 1);
        assert.equal(server.seen[1]?.range, undefined);
      } finally {
        await server.close();
      }
    });
  }

  test("a resume answered with the wrong part is not spliced: the next try starts over", async () => {
    const server = await serve({
      headers: { ETag: '"e"' },
      validator: '"e"',
      answerRange: () => ({
        status: 206,
        headers: { "Content-Range": `bytes 0-${body.length - 1}/${body.length}` },
      }),
    });
    try {
      const sink = new MemorySink();
      await client().download(server.url, sink);
      assert.equal(sha256(sink.bytes), sha256(body));
      assert.equal(sink.resets, 1);
      assert.deepEqual(
        server.seen.map((headers) => headers.range),
        [undefined, "bytes=1000-", undefined],
      );
    } finally {
      await server.close();
    }
  });
});
