import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { caCertificates, HttpClient } from "../../src/client/index.ts";
import { PuffinError } from "../../src/support/index.ts";

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const skip = hasOpenssl() ? false : "openssl is not installed (needed to make a test CA)";

describe("HttpClient TLS trust (SSL_CERT_FILE)", { skip }, () => {
  let dir: string;
  let server: Server;
  let url: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "puffin-tls-"));
    const openssl = (...args: string[]) =>
      execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    openssl(
      "req",
      "-x509",
      ...ec,
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
      "-days",
      "1",
      "-subj",
      "/CN=Puffin Test CA",
    );
    openssl("req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
    await writeFile(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
    openssl(
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-out",
      "server.pem",
      "-days",
      "1",
      "-extfile",
      "san.ext",
    );
    server = createServer(
      {
        key: await readFile(join(dir, "server.key")),
        cert: await readFile(join(dir, "server.pem")),
      },
      (_request, response) => response.end("secure"),
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

  test("SSL_CERT_FILE adds a CA to Node's roots", async () => {
    const env = { SSL_CERT_FILE: join(dir, "ca.pem") };
    assert.ok((caCertificates(env)?.length ?? 0) > 1, "the bundled roots stay trusted");
    const http = HttpClient.create({ env, retries: 0, netrcPath: "/nonexistent" });
    try {
      const response = await http.get(url);
      assert.equal(await response.text(), "secure");
    } finally {
      await http.close();
    }
  });

  test("a missing or non-PEM SSL_CERT_FILE is ignored", async () => {
    assert.equal(caCertificates({ SSL_CERT_FILE: join(dir, "missing.pem") }), undefined);
    assert.equal(caCertificates({ SSL_CERT_FILE: join(dir, "san.ext") }), undefined);
    assert.equal(caCertificates({}), undefined);
  });
});
