// A closed stdout ends Puffin quietly: `puffin pip freeze | head -1` exits 0 with nothing on
// stderr (no EPIPE stack trace), as a C program killed by SIGPIPE would, minus the signal status
// that `set -o pipefail` would count. Run on the built bin, the way a shell runs it.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { BIN, NOT_BUILT } from "../support/built-package.ts";
import { writeFakeVenv } from "../support/fake-venv.ts";
import { testDirectory } from "../support/temp-dir.ts";

const root = testDirectory("broken-pipe");
const env = { PUFFIN_CACHE_DIR: join(root, "cache"), PATH: "/usr/bin:/bin" };

interface Ended {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Bytes of stdout read before the pipe was closed. */
  read: number;
}

/** Runs the bin with stdout into a pipe that this side closes after the first chunk. */
function runClosingAfterFirstChunk(args: readonly string[]): Promise<Ended> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  let read = 0;
  child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
  child.stdout.once("data", (chunk: Buffer) => {
    read = chunk.length;
    child.stdout.destroy();
  });
  return new Promise((resolve) =>
    child.on("close", (status, signal) => resolve({ status, signal, stderr, read })),
  );
}

describe("a closed stdout", { skip: NOT_BUILT }, () => {
  let python = "";
  before(() => {
    // Far more output than a pipe buffers (64 KiB): the writes go on after the reader left.
    const installed = Array.from(
      { length: 6000 },
      (_, i) => `a-package-with-a-long-name-${String(i).padStart(5, "0")}==1.0.${i}`,
    );
    python = writeFakeVenv(join(root, "venv"), installed).python;
  });

  for (const command of [["freeze"], ["list"], ["list", "--format", "freeze"]]) {
    test(`pip ${command.join(" ")} | head -1: exit 0, nothing on stderr`, async () => {
      const ended = await runClosingAfterFirstChunk(["pip", ...command, "-p", python]);
      assert.ok(ended.read > 0, "the reader got its first chunk");
      assert.deepEqual(
        { status: ended.status, signal: ended.signal, stderr: ended.stderr },
        { status: 0, signal: null, stderr: "" },
      );
    });
  }

  test("a stdout that fails otherwise (a full disk, > /dev/full) is one error line, exit 1", async () => {
    const full = openSync("/dev/full", "w");
    try {
      const child = spawn(process.execPath, [BIN, "pip", "freeze", "-p", python], {
        cwd: root,
        env,
        stdio: ["ignore", full, "pipe"],
      });
      let stderr = "";
      child.stderr?.setEncoding("utf8").on("data", (text: string) => (stderr += text));
      const status = await new Promise((resolve) => child.on("close", resolve));
      assert.equal(status, 1);
      assert.equal(
        stderr,
        "error: Failed to write to stdout: ENOSPC: no space left on device, write\n",
      );
    } finally {
      closeSync(full);
    }
  });
});

describe("a failure that escaped every command", { skip: NOT_BUILT }, () => {
  // A preloaded module stands in for a bug: an error thrown from a callback, a rejected promise
  // nobody awaited. `--version` itself succeeds first.
  for (const [what, code] of [
    [
      "a thrown error",
      `setTimeout(() => { throw new Error("boom", { cause: new Error("deeper") }) }, 20)`,
    ],
    [
      "an unhandled rejection",
      `setTimeout(() => { Promise.reject(new Error("boom", { cause: new Error("deeper") })) }, 20)`,
    ],
  ]) {
    test(`${what}: one error line with its cause, status 2, no stack trace`, async () => {
      const child = spawn(
        process.execPath,
        ["--import", `data:text/javascript,${encodeURIComponent(code!)}`, BIN, "--version"],
        { env, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (text: string) => (stdout += text));
      child.stderr.setEncoding("utf8").on("data", (text: string) => (stderr += text));
      const status = await new Promise((resolve) => child.on("close", resolve));
      assert.match(stdout, /^puffin /);
      assert.equal(stderr, "error: boom\n  Caused by: deeper\n");
      assert.equal(status, 2);
    });
  }
});
