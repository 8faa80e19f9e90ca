// One cache, many processes: N `pip install`s of one set into N environments start together
// against a cold cache and an HTTP index. Every run succeeds, every environment holds exactly the
// set with every file matching its RECORD, each wheel is unzipped once (one archive per wheel),
// and the cache holds no temp file or directory afterwards. Then N more runs at once against the
// warm cache, the same.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { BIN, NOT_BUILT } from "../support/built-package.ts";
import { environmentProblems } from "../support/environment-state.ts";
import { IndexServer } from "../support/index-server.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { RealVenvs } from "../support/real-venv.ts";
import { reportFigures, rounds } from "../support/reliability.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel } from "../support/wheel-builder.ts";

const python = newestPyenvPython();
const skip = NOT_BUILT || (python === undefined ? "no pyenv Python 3.8+ on this machine" : false);
const root = testDirectory("reliability-shared-cache");
const cache = join(root, "cache");
/** Processes at once: 4 in `npm test`; the reliability run's round count, from 4 up to 16. */
const PROCESSES = Math.min(16, Math.max(4, rounds(4)));
const PACKAGES = 12;

const PINS = Array.from({ length: PACKAGES }, (_, i) => `pkg${i}==1.0`);
const wheels = Array.from({ length: PACKAGES }, (_, i) => {
  const files: Record<string, string> = {};
  for (let f = 0; f < 40; f++) files[`pkg${i}/m${f}.py`] = `X = ${JSON.stringify("x".repeat(f))}\n`;
  return buildWheel({ name: `pkg${i}`, version: "1.0", files });
});

let server: IndexServer;
let venvs: RealVenvs;

/** The built bin, as a user runs it (a process of its own). */
function puffin(args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ["--cache-dir", cache, ...args], {
      env: { PATH: process.env["PATH"], HOME: root },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stderr }));
  });
}

/** Names in the cache that are a writer's temp files or directories. */
function tempLeftovers(): string[] {
  return readdirSync(cache, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.name.startsWith(".puffin-tmp-"))
    .map((entry) => join(entry.parentPath, entry.name));
}

async function installAtOnce(wave: string): Promise<void> {
  const pythons = await Promise.all(
    Array.from({ length: PROCESSES }, (_, i) => venvs.create(`${wave}-${i}`)),
  );
  const runs = await Promise.all(
    pythons.map((py) =>
      puffin(["pip", "install", ...PINS, "--index-url", server.indexUrl, "--python", py]),
    ),
  );
  for (const [i, run] of runs.entries()) {
    assert.equal(run.status, 0, `process ${i}: ${run.stderr}`);
    assert.doesNotMatch(run.stderr, /^\s+at /m);
    const { prefix, scheme } = (await venvs.probe(pythons[i]!)).info;
    assert.deepEqual(environmentProblems(prefix, scheme.purelib, PINS), [], `environment ${i}`);
  }
  assert.deepEqual(tempLeftovers(), []);
  assert.equal(readdirSync(join(cache, "archive-v0")).length, PACKAGES, "one archive per wheel");
}

describe(`${PROCESSES} processes on one cache`, { skip }, () => {
  before(async () => {
    venvs = await RealVenvs.of(python!.executable, root);
    server = await IndexServer.start({ files: wheels });
  });
  after(() => server.close());

  test("a cold cache, then a warm one: every run succeeds, nothing partial", async (t) => {
    await installAtOnce("cold");
    const downloads = server.requests.filter((r) => r.path.endsWith(".whl")).length;
    await installAtOnce("warm");
    const warmDownloads = server.requests.filter((r) => r.path.endsWith(".whl")).length;
    assert.equal(warmDownloads, downloads, "the warm runs download nothing");
    reportFigures(t, import.meta.filename, {
      processes: PROCESSES,
      "runs succeeded": 2 * PROCESSES,
      "environments exact": 2 * PROCESSES,
      "wheel downloads (cold)": downloads,
      "temp leftovers": 0,
    });
  });
});
