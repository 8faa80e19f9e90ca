import { markerEnvironmentFromRecord } from "../pep508/index.ts";
import { PuffinError } from "../support/index.ts";
import type { InterpreterInfo, SchemePaths } from "./interpreter.ts";
import { PROBE_SCRIPT } from "./probe-script.ts";

/** What running a program produced. `status` is null when a signal ended it. */
export interface ProcessOutput {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The program ran past its time limit and was killed (`status` is then null). */
  timedOut?: boolean;
}

export interface ProcessRunOptions {
  /** Kill the program (and everything it started) after this long; no limit when absent. */
  timeoutMs?: number;
}

/**
 * Runs a program and collects its output; injected so tests can count or fake spawns. Rejects
 * only when the program cannot be started (ENOENT, EACCES).
 */
export type ProcessRunner = (
  program: string,
  args: readonly string[],
  options?: ProcessRunOptions,
) => Promise<ProcessOutput>;

/** How long a probe may take before it is abandoned (`PUFFIN_PYTHON_PROBE_TIMEOUT`). */
export const DEFAULT_PROBE_TIMEOUT_MS = 20_000;

/** Output beyond this is not kept: a probe answer is a few kilobytes. */
const MAX_OUTPUT = 16 * 1024 * 1024;

/** Probes running now, by process group, so a signal that ends Puffin ends them too. */
const running = new Set<number>();
const FORWARDED_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * Runs `program` with stdin closed and its output collected. It runs in its own process group,
 * so that a time limit ends it with everything it started (a wrapper script's `sleep`, a
 * grandchild holding the output pipes open): the whole group is killed. While it runs, a
 * SIGINT, SIGTERM or SIGHUP that ends Puffin is passed on to the group first (being in its own
 * group, it would not get the terminal's Ctrl-C), and then ends Puffin as it would have.
 */
export const runProcess: ProcessRunner = async (program, args, options = {}) => {
  // Loaded on first use: a warm run, whose interpreters are all cached, never starts a process,
  // and `node:child_process` (with `net` and `dgram` behind it) costs a few ms to load.
  const { spawn } = await import("node:child_process");
  return new Promise((resolve, reject) => {
    const child = spawn(program, [...args], {
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let timedOut = false;
    let settled = false;
    const group = child.pid;
    const killGroup = () => {
      if (group === undefined) return;
      try {
        process.kill(-group, "SIGKILL");
      } catch {
        // Already gone.
      }
    };
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      settled = true;
      clearTimeout(timer);
      if (group !== undefined) untrack(group);
    };
    const settle = (status: number | null) => {
      if (settled) return;
      finish();
      resolve({
        status,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        ...(timedOut ? { timedOut } : {}),
      });
    };
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OUTPUT) into.push(chunk);
      else killGroup();
    };
    child.stdout.on("data", collect(stdout));
    child.stderr.on("data", collect(stderr));
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => {
        timedOut = true;
        killGroup();
        // A member of the group that escaped the kill (a new session) may still hold the pipes:
        // the answer is not waited for any longer.
        child.stdout.destroy();
        child.stderr.destroy();
        settle(null);
      }, options.timeoutMs);
    }
    child.on("error", (error) => {
      if (settled) return;
      finish();
      reject(error);
    });
    child.on("close", (code) => settle(code));
    if (group !== undefined) track(group);
  });
};

function track(group: number): void {
  if (running.size === 0) {
    for (const signal of FORWARDED_SIGNALS) process.on(signal, forwardSignal);
  }
  running.add(group);
}

function untrack(group: number): void {
  running.delete(group);
  if (running.size === 0) {
    for (const signal of FORWARDED_SIGNALS) process.off(signal, forwardSignal);
  }
}

function forwardSignal(signal: NodeJS.Signals): void {
  for (const group of running) {
    try {
      process.kill(-group, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  running.clear();
  for (const forwarded of FORWARDED_SIGNALS) process.off(forwarded, forwardSignal);
  // With no listener left, the signal's default action ends Puffin as it would have.
  process.kill(process.pid, signal);
}

export interface ProbeOptions {
  /** Give up on an interpreter that has not answered after this long (default 20 s). */
  timeoutMs?: number;
}

/**
 * Runs the probe script with `executable` and returns what it reports. `-I` (isolated mode)
 * keeps `PYTHONPATH`, `PYTHONHOME`, the user site and the current directory out of the answer.
 *
 * Errors (`PuffinError`): `unsupported-python` for Pythons before 3.8 (Python 2 already rejects
 * `-I`, which is recognised as such), `interpreter-not-found` when it cannot be started,
 * `interpreter-probe-timeout` when it does not answer within `timeoutMs` (it is killed),
 * `interpreter-probe-failed` when it exits non-zero or prints something that is not the answer.
 * A program that is not Python is told in one line: its output is cut to the line that says
 * what went wrong, never the probe script echoed back.
 */
export async function probeInterpreter(
  executable: string,
  runner: ProcessRunner = runProcess,
  options: ProbeOptions = {},
): Promise<InterpreterInfo> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  let output: ProcessOutput;
  try {
    output = await runner(executable, ["-I", "-c", PROBE_SCRIPT], { timeoutMs });
  } catch (cause) {
    throw new PuffinError(
      "interpreter-not-found",
      `Failed to start Python interpreter \`${executable}\``,
      { cause },
    );
  }
  if (output.timedOut) {
    throw new PuffinError(
      "interpreter-probe-timeout",
      `Querying the Python interpreter at \`${executable}\` timed out after ${formatSeconds(timeoutMs)}`,
      {
        hint: "A Python that takes this long to start may be starting on a very busy machine: allow it more time with `PUFFIN_PYTHON_PROBE_TIMEOUT` (seconds)",
      },
    );
  }
  if (output.status !== 0) {
    if (/Unknown option:? -I/.test(output.stderr)) {
      throw unsupported(executable, "a Python older than 3.4");
    }
    throw new PuffinError(
      "interpreter-probe-failed",
      `Failed to query Python interpreter \`${executable}\` (${describeStatus(output.status)})`,
      { cause: summarizeOutput(output.stderr || output.stdout), hint: NOT_PYTHON_HINT },
    );
  }
  let answer: unknown;
  try {
    answer = JSON.parse(output.stdout);
  } catch {
    answer = undefined;
  }
  if (isRecord(answer) && answer["result"] === "error" && answer["kind"] === "unsupported-python") {
    throw unsupported(executable, `Python ${String(answer["version"])}`);
  }
  if (!isRecord(answer) || answer["result"] !== "success") {
    throw new PuffinError(
      "interpreter-probe-failed",
      `\`${executable}\` does not answer like a Python interpreter`,
      { cause: summarizeOutput(output.stdout + output.stderr), hint: NOT_PYTHON_HINT },
    );
  }
  try {
    return infoFromProbe(answer);
  } catch (cause) {
    throw new PuffinError(
      "interpreter-probe-failed",
      `Python interpreter \`${executable}\` gave an incomplete description of itself`,
      { cause },
    );
  }
}

function unsupported(executable: string, what: string): PuffinError {
  return new PuffinError(
    "unsupported-python",
    `\`${executable}\` is ${what}, which Puffin does not support`,
    { hint: "Puffin supports Python 3.8 and later; pick one with `--python`" },
  );
}

function describeStatus(status: number | null): string {
  return status === null ? "killed by a signal" : `exit status ${status}`;
}

const NOT_PYTHON_HINT =
  "`--python` takes a Python interpreter: a path to one, a name on `PATH` (`python3.12`), or a version (`3.12`)";

/** Whole seconds as `20s`, fractions as `1.5s`. */
function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))}s`;
}

const OPTION_ERROR = /\b(invalid|unknown|bad|illegal|unrecognized) option\b/i;
const MAX_LINE = 200;

/**
 * The one line of a failed probe's output worth showing: a complaint about an option (`bash:
 * -I: invalid option`) if there is one, else the last line (a Python traceback's last line
 * says what is wrong). The probe script, when a program that is not Python prints it back
 * (`echo`, `perl: Can't open perl script "…"`), reads as `<probe script>`, and a line longer
 * than `MAX_LINE` characters loses its middle.
 */
export function summarizeOutput(text: string): string {
  const lines = text
    .replaceAll(PROBE_SCRIPT, "<probe script>")
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const line = lines.find((l) => OPTION_ERROR.test(l)) ?? lines.at(-1);
  if (line === undefined) return "(no output)";
  if (line.length <= MAX_LINE) return line;
  const half = Math.floor((MAX_LINE - 3) / 2);
  return `${line.slice(0, half)} … ${line.slice(-half)}`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Validates the probe's JSON field by field; throws on the first field that is wrong. */
export function infoFromProbe(answer: Record<string, unknown>): InterpreterInfo {
  const placeholder = string(answer, "venv_placeholder");
  const venvScheme = scheme(answer, "venv_scheme");
  const relative = (path: string): string => {
    if (path === placeholder) return "";
    if (!path.startsWith(`${placeholder}/`) && !path.startsWith(`${placeholder}\\`)) {
      throw new Error(`venv_scheme path \`${path}\` is outside the environment`);
    }
    return path.slice(placeholder.length + 1);
  };
  return {
    executable: string(answer, "executable"),
    baseExecutable: optionalString(answer, "base_executable"),
    prefix: string(answer, "prefix"),
    basePrefix: string(answer, "base_prefix"),
    baseExecPrefix: string(answer, "base_exec_prefix"),
    versionInfo: numbers(answer, "version_info", 3) as [number, number, number],
    implementationName: string(answer, "implementation_name"),
    implementationVersion: numbers(answer, "implementation_version", 2) as [number, number],
    markers: markerEnvironmentFromRecord(record(answer, "markers")),
    sysconfigPlatform: string(answer, "sysconfig_platform"),
    pointerBits: numbers(answer, "pointer_bits", 0)[0]!,
    glibcVersion: optionalPair(answer, "glibc_version"),
    muslVersion: optionalPair(answer, "musl_version"),
    macosVersion: optionalPair(answer, "macos_version"),
    gilDisabled: answer["gil_disabled"] === true,
    abiTags: optionalStrings(answer, "abi_tags"),
    scheme: scheme(answer, "scheme"),
    venvScheme: {
      purelib: relative(venvScheme.purelib),
      platlib: relative(venvScheme.platlib),
      scripts: relative(venvScheme.scripts),
      include: relative(venvScheme.include),
      data: relative(venvScheme.data),
    },
    stdlib: string(answer, "stdlib"),
    ldLibrary: optionalString(answer, "ld_library"),
  };
}

function string(answer: Record<string, unknown>, key: string): string {
  const value = answer[key];
  if (typeof value !== "string") throw new Error(`\`${key}\` is not a string`);
  return value;
}

function optionalString(answer: Record<string, unknown>, key: string): string | null {
  const value = answer[key];
  return value === null || value === undefined ? null : string(answer, key);
}

function optionalStrings(answer: Record<string, unknown>, key: string): string[] | null {
  const value = answer[key];
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw new Error(`\`${key}\` is not a list of strings`);
  }
  return value as string[];
}

/** A number (`length` 0) or a list of exactly `length` non-negative integers. */
function numbers(answer: Record<string, unknown>, key: string, length: number): number[] {
  const value = answer[key];
  const list = length === 0 ? [value] : value;
  const ok =
    Array.isArray(list) &&
    list.length === Math.max(length, 1) &&
    list.every((item) => Number.isInteger(item) && (item as number) >= 0);
  if (!ok) throw new Error(`\`${key}\` is not ${length === 0 ? "an integer" : "a version"}`);
  return list as number[];
}

function optionalPair(answer: Record<string, unknown>, key: string): [number, number] | null {
  const value = answer[key];
  return value === null || value === undefined
    ? null
    : (numbers(answer, key, 2) as [number, number]);
}

function record(answer: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = answer[key];
  if (!isRecord(value)) throw new Error(`\`${key}\` is not an object`);
  return value;
}

function scheme(answer: Record<string, unknown>, key: string): SchemePaths {
  const paths = record(answer, key);
  return {
    purelib: string(paths, "purelib"),
    platlib: string(paths, "platlib"),
    scripts: string(paths, "scripts"),
    include: string(paths, "include"),
    data: string(paths, "data"),
  };
}
