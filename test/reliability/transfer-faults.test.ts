// `puffin pip install` against an index that breaks transfers: every fault that fails once is
// retried and the install succeeds (a broken-off body resumed with `Range` from where it broke,
// at a random offset each round); every fault that persists ends the run with exit 1 and an
// `error:` naming the URL and what went wrong, without a stack trace, and without hanging.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type Fault, IndexServer } from "../support/index-server.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { generator, reportFigures, rounds, SEED } from "../support/reliability.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel } from "../support/wheel-builder.ts";

const python = newestPyenvPython();
const skip = python === undefined ? "no pyenv Python 3.8+ on this machine" : false;
const root = testDirectory("reliability-transfer-faults");
const ROUNDS = rounds(1);

// Hex digits do not compress away: the wheel is tens of kilobytes, so a fault's "part of the
// body" is a real part of it.
const payload = Array.from(
  { length: 800 },
  (_, i) => `H${i} = "${createHash("sha256").update(String(i)).digest("hex")}"\n`,
).join("");
const wheel = buildWheel({
  name: "alpha",
  version: "1.0",
  files: { "alpha/__init__.py": "V = 1\n", "alpha/data.py": payload },
});
const wheelPath = `/files/${wheel.filename}`;
const pagePath = "/simple/alpha/";

/**
 * `PUFFIN_HTTP_TIMEOUT` per case. A stalled try fails whatever the timeout; a try that should
 * succeed answers on loopback far within 1.5 s (a loaded machine exceeding it would cost one
 * more of the three retries, not the run). Runs where every try stalls must fail anyway, and
 * fail faster with 0.5 s. Other faults keep the default (30 s): their outcome never depends on
 * time.
 */
const PATIENT = "1.5";
const IMPATIENT = "0.5";

type Case = {
  readonly name: string;
  /** Applied to the wheel's path, once or every time. */
  readonly fault: Fault;
  /** What the error says when every try fails. */
  readonly failure: RegExp;
};

const cases: readonly Case[] = [
  {
    name: "reset mid-body",
    fault: { kind: "reset-mid-body" },
    failure: /connection reset after [\d.]+( \w+)? of [\d.]+ \w+|truncated: got \d+ of \d+ bytes/,
  },
  {
    name: "truncated body",
    fault: { kind: "truncate" },
    failure: /truncated: got \d+ of \d+ bytes/,
  },
  { name: "stalled body", fault: { kind: "stall" }, failure: /body stalled: no data for 0\.5s/ },
  {
    name: "500",
    fault: { kind: "status", status: 500 },
    failure: /HTTP 500 Internal Server Error/,
  },
  {
    name: "503 with Retry-After",
    fault: { kind: "status", status: 503, retryAfter: 1 },
    failure: /HTTP 503 Service Unavailable/,
  },
];

let server: IndexServer;
let venvs: RealVenvs;
let runs = 0;

/** `pip install alpha==1.0` into a new venv with a new cache, so every file is fetched. */
async function install(options: { timeout?: string; verbose?: boolean; indexUrl?: string } = {}) {
  const name = `run-${++runs}`;
  const py = await venvs.create(name);
  const env: Record<string, string> = { PATH: "/usr/bin:/bin" };
  if (options.timeout !== undefined) env["PUFFIN_HTTP_TIMEOUT"] = options.timeout;
  const args = [
    ...(options.verbose ? ["-v"] : []),
    "--cache-dir",
    join(root, `${name}-cache`),
    "pip",
    "install",
    "alpha==1.0",
    "--index-url",
    options.indexUrl ?? server.indexUrl,
    "--python",
    py,
  ];
  const result = await runPuffin(args, { env, cwd: root });
  return { ...result, py };
}

/** Whether alpha 1.0 is in the venv of `py`. */
async function installed(py: string): Promise<boolean> {
  const site = (await venvs.probe(py)).info.scheme.purelib;
  return existsSync(join(site, "alpha-1.0.dist-info", "RECORD"));
}

const wheelRequests = () => server.requests.filter((r) => r.path === wheelPath);

/** The error is the user's: exit 1, an `error:` line, no stack trace. */
function assertCleanFailure(
  result: { status: number; stderr: string },
  url: string,
  failure: RegExp,
) {
  assert.equal(result.status, 1, result.stderr);
  const error = result.stderr.split("\n").find((line) => line.startsWith("error: "));
  assert.ok(error !== undefined, result.stderr);
  assert.ok(result.stderr.includes(url), `names ${url}:\n${result.stderr}`);
  assert.match(result.stderr, failure);
  assert.match(result.stderr, /after 3 retries/);
  assert.doesNotMatch(result.stderr, /^\s+at /m, "no stack trace");
}

describe("puffin pip install through a faulty index", { skip, timeout: 300_000 }, () => {
  before(async () => {
    venvs = await RealVenvs.of(python!.executable, root);
    server = await IndexServer.start({ files: [wheel] });
  });
  after(() => server.close());

  const random = generator(SEED);
  for (const { name, fault } of cases) {
    test(`the wheel download fails once (${name}): the install succeeds`, async (t) => {
      for (let round = 0; round < ROUNDS; round++) {
        server.clearFaults();
        server.clearRequests();
        // A body broken off anywhere but at its very start or end.
        const at = 1 + Math.floor(random() * (wheel.bytes.length - 2));
        const once = fault.kind === "status" ? fault : { ...fault, bytes: at };
        server.addFault({ ...once, path: wheelPath, times: 1 });
        const result = await install({ timeout: fault.kind === "stall" ? PATIENT : undefined });
        const context = `round ${round}, broken at byte ${at} (seed ${SEED})`;
        assert.equal(result.status, 0, `${context}: ${result.stderr}`);
        assert.match(result.stderr, /\+ alpha==1\.0/);
        assert.ok(await installed(result.py), context);
        const [first, second] = wheelRequests();
        assert.equal(first?.status, fault.kind === "status" ? fault.status : fault.kind);
        if (fault.kind !== "status") {
          // The second try resumed where the first broke off.
          assert.equal(second?.headers.range, `bytes=${at}-`, context);
          assert.ok(second?.headers["if-range"]);
          assert.equal(second?.status, 206);
        }
      }
      reportFigures(t, import.meta.filename, { rounds: ROUNDS, "installed after a retry": ROUNDS });
    });
  }

  for (const { name, fault, failure } of cases) {
    test(`the wheel download fails every time (${name}): exit 1 naming the URL`, async () => {
      server.clearFaults();
      server.clearRequests();
      // Retry-After 0: the waits are not what this test is about.
      const always =
        fault.kind === "status" && fault.retryAfter ? { ...fault, retryAfter: 0 } : fault;
      server.addFault({ ...always, path: wheelPath });
      const result = await install({ timeout: fault.kind === "stall" ? IMPATIENT : undefined });
      assertCleanFailure(result, server.fileUrl(wheel.filename), failure);
      assert.equal(wheelRequests().length, 4, "the first try and 3 retries");
    });
  }

  test("a page and a metadata file that break off once are fetched again", async () => {
    server.clearFaults();
    server.clearRequests();
    server.addFault({ kind: "truncate", path: pagePath, times: 1 });
    server.addFault({ kind: "reset-mid-body", path: `${wheelPath}.metadata`, times: 1 });
    const result = await install();
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(
      server.requests.filter((r) => r.path === pagePath).map((r) => r.status),
      ["truncate", 200],
    );
    assert.deepEqual(
      server.requests.filter((r) => r.path === `${wheelPath}.metadata`).map((r) => r.status),
      ["reset-mid-body", 200],
    );
  });

  test("a page truncated every time: exit 1 naming the page", async () => {
    server.clearFaults();
    server.clearRequests();
    server.addFault({ kind: "truncate", path: pagePath });
    const result = await install();
    assertCleanFailure(result, `${server.indexUrl}alpha/`, /truncated: got \d+ of \d+ bytes/);
  });

  test("a server that ignores Range: the download starts over and the hash checks out", async () => {
    server.clearFaults();
    server.clearRequests();
    server.addFault({ kind: "reset-mid-body", path: wheelPath, times: 1 });
    server.addFault({ kind: "ignore-range", path: wheelPath });
    const result = await install({ verbose: true });
    assert.equal(result.status, 0, result.stderr);
    assert.ok(await installed(result.py));
    assert.deepEqual(
      wheelRequests().map((r) => [r.headers.range !== undefined, r.status]),
      [
        [false, "reset-mid-body"],
        [true, 200],
      ],
    );
    assert.match(
      result.stderr,
      /Retrying http:\/\/127\.0\.0\.1:\d+\/files\/alpha-1\.0-py3-none-any\.whl in \d+ ms/,
    );
    assert.match(result.stderr, /Restarting .*alpha-1\.0-py3-none-any\.whl from byte 0/);
  });

  test("a redirect loop is a clear error", async () => {
    server.clearFaults();
    server.clearRequests();
    server.addFault({ kind: "redirect-loop", path: pagePath });
    const result = await install();
    assert.equal(result.status, 1, result.stderr);
    assert.match(
      result.stderr,
      /^error: .*Redirect loop fetching http:\/\/127\.0\.0\.1:\d+\/simple\/alpha\//m,
    );
    assert.doesNotMatch(result.stderr, /^\s+at /m);
  });

  test("a page of garbage is an error naming the page, not retried", async () => {
    server.clearFaults();
    server.clearRequests();
    server.addFault({ kind: "garbage", path: pagePath });
    const result = await install();
    assert.equal(result.status, 1, result.stderr);
    assert.match(
      result.stderr,
      /^error: Invalid simple API JSON from http:\/\/127\.0\.0\.1:\d+\/simple\/alpha\/: the response is not valid JSON \(it starts with ".*"\)$/m,
    );
    // The body is quoted escaped, once: no raw control characters, no `Caused by` repeating it.
    assert.ok(![...result.stderr].some((c) => c < " " && c !== "\n"), "no raw control bytes");
    assert.doesNotMatch(result.stderr, /Caused by/);
    assert.doesNotMatch(result.stderr, /^\s+at /m);
    assert.equal(server.requests.filter((r) => r.path === pagePath).length, 1);
  });

  test("an index listing a wrong SHA-256: exit 1 naming the file, nothing installed or cached", async () => {
    const lying = await IndexServer.start({
      files: [{ ...wheel, advertisedSha256: "0".repeat(64) }],
    });
    try {
      const result = await install({ indexUrl: lying.indexUrl });
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, /^error: Hash mismatch for .*alpha-1\.0-py3-none-any\.whl/m);
      assert.doesNotMatch(result.stderr, /^\s+at /m);
      assert.equal(await installed(result.py), false);
      const archives = join(root, `run-${runs}-cache`, "archive-v0");
      assert.deepEqual(existsSync(archives) ? readdirSync(archives) : [], []);
    } finally {
      await lying.close();
    }
  });

  test("credentials in the index URL never appear in retry logs or errors", async () => {
    const secured = await IndexServer.start({
      files: [wheel],
      auth: { username: "alice", password: "s3cret-pw" },
    });
    try {
      secured.addFault({ kind: "truncate", path: wheelPath });
      const indexUrl = secured.indexUrl.replace("http://", "http://alice:s3cret-pw@");
      const result = await install({ verbose: true, indexUrl });
      assertCleanFailure(result, secured.fileUrl(wheel.filename), /truncated/);
      assert.match(result.stderr, /Retrying http:\/\/127\.0\.0\.1:\d+\/files\//);
      assert.doesNotMatch(result.stderr, /s3cret-pw/);
    } finally {
      await secured.close();
    }
  });
});
