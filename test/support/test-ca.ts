// A throwaway certificate authority for TLS tests, made with the `openssl` command line:
//
//   const ca = makeTestCa(dir);   // undefined when openssl is not installed
//   ca.caPath                     // the CA's certificate (PEM), to trust
//   ca.key, ca.cert               // a server key and certificate for 127.0.0.1, signed by the CA
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface TestCa {
  readonly caPath: string;
  readonly key: Buffer;
  readonly cert: Buffer;
}

export function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Writes a CA and a server certificate for `IP:127.0.0.1` into `dir` (valid for a day). */
export function makeTestCa(dir: string): TestCa {
  const openssl = (...args: string[]) =>
    execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const ca = ["-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=Puffin Test CA"];
  openssl("req", "-x509", ...ec, ...ca);
  openssl("req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
  writeFileSync(join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
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
  return {
    caPath: join(dir, "ca.pem"),
    key: readFileSync(join(dir, "server.key")),
    cert: readFileSync(join(dir, "server.pem")),
  };
}
