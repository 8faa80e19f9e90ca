// An interpreter that never answers does not hang Puffin: the probe has a time limit
// (PUFFIN_PYTHON_PROBE_TIMEOUT, default 20 s) and kills the program with everything it started.
// A program that is not Python is told in one line, not with the probe script echoed back.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import {
  DEFAULT_PROBE_TIMEOUT_MS,
  probeInterpreter,
  runProcess,
  summarizeOutput,
} from "../../src/interpreter/probe.ts";
import { PROBE_SCRIPT } from "../../src/interpreter/probe-script.ts";
import { PuffinError } from "../../src/support/index.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";

const dir = testDirectory("probe-timeout");
const env = { PUFFIN_CACHE_DIR: join(dir, "cache"), PATH: "/usr/bin:/bin" };

/**
 * A "python" that never answers: a shell whose child sleeps, holding the output pipes open (so
 * killing the shell alone would not end the wait). `marker` is the sleep's argument, to find it.
 */
function hangingPython(name: string, marker: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\nsleep ${marker} &\nwait\n`);
  chmodSync(path, 0o755);
  return path;
}

/** Whether a process whose command line holds `marker` still runs. */
function running(marker: string): boolean {
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker)) return true;
    } catch {
      // Gone meanwhile.
    }
  }
  return false;
}

/** Waits (up to a generous bound: the machine may be busy) for `marker`'s processes to end. */
async function gone(marker: string): Promise<boolean> {
  for (let waited = 0; waited < 10_000; waited += 50) {
    if (!running(marker)) return true;
    await sleep(50);
  }
  return false;
}

const linuxOnly = process.platform === "linux" ? false : "reads /proc";

describe("the probe's time limit", { skip: linuxOnly }, () => {
  test("the default is generous: 20 s", () => {
    assert.equal(DEFAULT_PROBE_TIMEOUT_MS, 20_000);
  });

  test("runProcess kills the whole process group when the time is up", async () => {
    const marker = "86401.101";
    const python = hangingPython("hang-run", marker);
    const output = await runProcess(python, [], { timeoutMs: 300 });
    assert.equal(output.timedOut, true);
    assert.equal(output.status, null);
    assert.ok(await gone(marker), "the grandchild was killed with the group");
  });

  test("probeInterpreter: one clear error naming the interpreter and the time", async () => {
    const marker = "86401.102";
    const python = hangingPython("hang-probe", marker);
    await assert.rejects(probeInterpreter(python, runProcess, { timeoutMs: 1000 }), (error) => {
      assert.ok(error instanceof PuffinError);
      assert.equal(error.code, "interpreter-probe-timeout");
      assert.equal(
        error.message,
        `Querying the Python interpreter at \`${python}\` timed out after 1s`,
      );
      assert.match(error.hint ?? "", /PUFFIN_PYTHON_PROBE_TIMEOUT/);
      return true;
    });
    assert.ok(await gone(marker));
  });

  test("the CLI: PUFFIN_PYTHON_PROBE_TIMEOUT bounds `-p` naming a program that never answers", async () => {
    const marker = "86401.103";
    const python = hangingPython("hang-cli", marker);
    const run = await runPuffin(["pip", "freeze", "-p", python], {
      cwd: dir,
      env: { ...env, PUFFIN_PYTHON_PROBE_TIMEOUT: "1" },
    });
    assert.equal(run.status, 1);
    assert.equal(
      run.stderr.split("\n")[0],
      `error: Querying the Python interpreter at \`${python}\` timed out after 1s`,
    );
    assert.doesNotMatch(run.stderr, /^\s+at /m);
    assert.ok(await gone(marker));
  });

  test("an invalid PUFFIN_PYTHON_PROBE_TIMEOUT is refused", async () => {
    for (const value of ["abc", "0", "-1", "1e3"]) {
      const run = await runPuffin(["pip", "freeze", "-p", "/bin/true"], {
        cwd: dir,
        env: { ...env, PUFFIN_PYTHON_PROBE_TIMEOUT: value },
      });
      assert.equal(run.status, 1, value);
      assert.match(run.stderr, /^error: Invalid `PUFFIN_PYTHON_PROBE_TIMEOUT` /, value);
    }
  });

  test("a signal that ends Puffin mid-probe ends the probe's process group too", async () => {
    const marker = "86401.104";
    const python = hangingPython("hang-signal", marker);
    const probe = join(import.meta.dirname, "../../src/interpreter/probe.ts");
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        `import { runProcess } from ${JSON.stringify(probe)};
         await runProcess(${JSON.stringify(python)}, []);`,
      ],
      { stdio: ["ignore", "ignore", "pipe"] },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_code, signal) => resolve(signal)),
    );
    // Wait until the probe runs (its sleep exists), then stop Puffin.
    for (let waited = 0; !running(marker) && waited < 30_000; waited += 50) await sleep(50);
    assert.ok(running(marker), `the probe started${stderr ? `; stderr: ${stderr}` : ""}`);
    child.kill("SIGTERM");
    assert.equal(await exited, "SIGTERM", "Puffin still ends by the signal");
    assert.ok(await gone(marker), "the probe's group was killed on the way");
  });
});

describe("a program that is not Python, told in one line", () => {
  const notPython: [string, RegExp][] = [
    ["/bin/echo", /^error: `\/bin\/echo` does not answer like a Python interpreter$/],
    ["/bin/ls", /^error: Failed to query Python interpreter `\/bin\/ls` \(exit status \d+\)$/],
    ["/bin/cat", /^error: Failed to query Python interpreter `\/bin\/cat` \(exit status 1\)$/],
  ];
  for (const [program, first] of notPython) {
    test(`-p ${program}`, async () => {
      const run = await runPuffin(["pip", "freeze", "-p", program], { cwd: dir, env });
      assert.equal(run.status, 1);
      const lines = run.stderr.trimEnd().split("\n");
      assert.match(lines[0]!, first);
      assert.match(lines[1]!, /^ {2}Caused by: /);
      assert.match(lines.at(-1)!, /^hint: `--python` takes a Python interpreter/);
      assert.equal(lines.length, 4, run.stderr);
      assert.ok(run.stderr.length < 700, `${run.stderr.length} bytes of stderr`);
      // `ls` quotes the script it was given as a file name: one line, cut in the middle.
      if (program !== "/bin/ls") assert.ok(!run.stderr.includes("import json"), run.stderr);
    });
  }

  test("summarizeOutput: an option complaint, else the last line; the script as a placeholder", () => {
    assert.equal(
      summarizeOutput("bash: -I: invalid option\nUsage: bash [option]\n\t--help\n"),
      "bash: -I: invalid option",
    );
    assert.equal(
      summarizeOutput("Traceback (most recent call last):\n  File x\nImportError: no json\n"),
      "ImportError: no json",
    );
    assert.equal(summarizeOutput(`-I -c ${PROBE_SCRIPT}\n`), "-I -c <probe script>");
    assert.equal(
      summarizeOutput(`Can't open perl script "${PROBE_SCRIPT}": File name too long\n`),
      `Can't open perl script "<probe script>": File name too long`,
    );
    assert.equal(summarizeOutput(""), "(no output)");
    const long = summarizeOutput(`x${"y".repeat(5000)}z`);
    assert.ok(long.length <= 200 && long.startsWith("xy") && long.endsWith("yz"), long);
  });
});
