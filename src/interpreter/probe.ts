import { markerEnvironmentFromRecord } from "../pep508/index.ts";
import { PuffinError } from "../support/index.ts";
import type { InterpreterInfo, SchemePaths } from "./interpreter.ts";
import { PROBE_SCRIPT } from "./probe-script.ts";

/** What running a program produced. `status` is null when a signal ended it. */
export interface ProcessOutput {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program and collects its output; injected so tests can count or fake spawns. Rejects
 * only when the program cannot be started (ENOENT, EACCES).
 */
export type ProcessRunner = (program: string, args: readonly string[]) => Promise<ProcessOutput>;

export const runProcess: ProcessRunner = async (program, args) => {
  // Loaded on first use: a warm run, whose interpreters are all cached, never starts a process,
  // and `node:child_process` (with `net` and `dgram` behind it) costs a few ms to load.
  const { execFile } = await import("node:child_process");
  return new Promise((resolve, reject) => {
    execFile(
      program,
      [...args],
      { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code === "string") {
          reject(error);
          return;
        }
        const status = error === null ? 0 : typeof error.code === "number" ? error.code : null;
        resolve({ status, stdout, stderr });
      },
    );
  });
};

/**
 * Runs the probe script with `executable` and returns what it reports. `-I` (isolated mode)
 * keeps `PYTHONPATH`, `PYTHONHOME`, the user site and the current directory out of the answer.
 *
 * Errors (`PuffinError`): `unsupported-python` for Pythons before 3.8 (Python 2 already rejects
 * `-I`, which is recognised as such), `interpreter-not-found` when it cannot be started,
 * `interpreter-probe-failed` when it exits non-zero or prints something that is not the answer.
 */
export async function probeInterpreter(
  executable: string,
  runner: ProcessRunner = runProcess,
): Promise<InterpreterInfo> {
  let output: ProcessOutput;
  try {
    output = await runner(executable, ["-I", "-c", PROBE_SCRIPT]);
  } catch (cause) {
    throw new PuffinError(
      "interpreter-not-found",
      `Failed to start Python interpreter \`${executable}\``,
      { cause },
    );
  }
  if (output.status !== 0) {
    if (/Unknown option:? -I/.test(output.stderr)) {
      throw unsupported(executable, "a Python older than 3.4");
    }
    throw new PuffinError(
      "interpreter-probe-failed",
      `Failed to query Python interpreter \`${executable}\` (${describeStatus(output.status)})`,
      { cause: lastLines(output.stderr) },
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
      `Python interpreter \`${executable}\` gave an answer Puffin does not understand`,
      { cause: lastLines(output.stdout + output.stderr) },
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

function lastLines(text: string): string {
  const lines = text.trimEnd().split("\n");
  return lines.slice(-5).join("\n") || "(no output)";
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
