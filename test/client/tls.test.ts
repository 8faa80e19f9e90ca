import assert from "node:assert/strict";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { HttpClient } from "../../src/client/index.ts";
import { caCertificates } from "../../src/client/network-agent.ts";
import { PuffinError, setLogSink } from "../../src/support/index.ts";
import { hasOpenssl, makeTestCa } from "../support/test-ca.ts";

const skip = hasOpenssl() ? false : "openssl is not installed (needed to make a test CA)";

describe("HttpClient TLS trust (SSL_CERT_FILE, NODE_EXTRA_CA_CERTS)", { skip }, () => {
  let dir: string;
  let caPath: string;
  let server: Server;
  let url: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "puffin-tls-"));
    const ca = makeTestCa(dir);
    caPath = ca.caPath;
    server = createServer({ key: ca.key, cert: ca.cert }, (_request, response) =>
      response.end("secure"),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/simple/`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  test("an unknown CA is refused", async () => {
    const http = HttpClient.create({ env: {}, retries: 0, netrcPath: "/nonexistent" });
    try {
      await assert.rejects(http.get(url), (error) => {
        assert.ok(error instanceof PuffinError);
        assert.equal(error.code, "http-connection");
        return true;
      });
    } finally {
      await http.close();
    }
  });

  // SSL_CERT_FILE as uv and curl read it; NODE_EXTRA_CA_CERTS as Node itself does.
  for (const variable of ["SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS"]) {
    test(`${variable} adds a CA to Node's roots`, async () => {
      const env = { [variable]: caPath };
      assert.ok((caCertificates(env)?.length ?? 0) > 1, "the bundled roots stay trusted");
      const http = HttpClient.create({ env, retries: 0, netrcPath: "/nonexistent" });
      try {
        const response = await http.get(url);
        assert.equal(await response.text(), "secure");
      } finally {
        await http.close();
      }
    });
  }

  test("the bundles are read once, at the first TLS connection, and serve every connection", async () => {
    const warnings: string[] = [];
    setLogSink((level, message) => level === "warn" && warnings.push(message), {
      debug: false,
      trace: false,
    });
    const plain = createHttpServer((_request, response) => response.end("plain"));
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
    const plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/`;
    const bundle = join(dir, "later.pem");
    const env = { SSL_CERT_FILE: bundle, NODE_EXTRA_CA_CERTS: join(dir, "missing.pem") };
    const http = HttpClient.create({ env, retries: 0, netrcPath: "/nonexistent" });
    try {
      assert.equal(await (await http.get(plainUrl)).text(), "plain");
      assert.deepEqual(warnings, [], "plain HTTP reads no CA bundle");
      await copyFile(caPath, bundle);
      // More requests at once than connections per host: several connections, one context.
      const bodies = await Promise.all(
        Array.from({ length: 12 }, async () => (await http.get(url)).text()),
      );
      assert.deepEqual(new Set(bodies), new Set(["secure"]));
      assert.equal(warnings.length, 1, "the missing NODE_EXTRA_CA_CERTS is reported once");
      assert.match(warnings[0]!, /^Ignoring NODE_EXTRA_CA_CERTS .*missing\.pem/);
    } finally {
      setLogSink(undefined, { debug: false, trace: false });
      await http.close();
      plain.closeAllConnections();
      await new Promise((resolve) => plain.close(resolve));
    }
  });

  test("a missing or non-PEM bundle is ignored", async () => {
    assert.equal(caCertificates({ SSL_CERT_FILE: join(dir, "missing.pem") }), undefined);
    assert.equal(caCertificates({ SSL_CERT_FILE: join(dir, "san.ext") }), undefined);
    assert.equal(caCertificates({ NODE_EXTRA_CA_CERTS: join(dir, "missing.pem") }), undefined);
    assert.equal(caCertificates({}), undefined);
  });
});
