import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ProcessOutput, ProcessRunner } from "../../src/interpreter/probe.ts";

/**
 * What the probe script prints for a CPython `version` installed under `prefix` with its
 * executable at `executable` (a Linux x86_64 glibc 2.36 machine). Tests use it to describe
 * interpreters that do not exist, so discovery and caching are tested without starting Python.
 */
export function fakeProbeAnswer(options: {
  executable: string;
  version: string;
  prefix?: string;
  basePrefix?: string;
}): Record<string, unknown> {
  const [major, minor, micro] = options.version.split(".").map(Number) as [number, number, number];
  const prefix = options.prefix ?? dirname(dirname(options.executable));
  const short = `${major}.${minor}`;
  const site = `lib/python${short}/site-packages`;
  return {
    result: "success",
    executable: options.executable,
    base_executable: options.executable,
    prefix,
    base_prefix: options.basePrefix ?? prefix,
    base_exec_prefix: options.basePrefix ?? prefix,
    version_info: [major, minor, micro],
    implementation_name: "cpython",
    implementation_version: [major, minor],
    markers: {
      implementation_name: "cpython",
      implementation_version: options.version,
      os_name: "posix",
      platform_machine: "x86_64",
      platform_python_implementation: "CPython",
      platform_release: "6.1.0",
      platform_system: "Linux",
      platform_version: "#1 SMP",
      python_full_version: options.version,
      python_version: short,
      sys_platform: "linux",
    },
    sysconfig_platform: "linux-x86_64",
    pointer_bits: 64,
    glibc_version: [2, 36],
    musl_version: null,
    macos_version: null,
    gil_disabled: false,
    abi_tags: [`cp${major}${minor}`],
    scheme: {
      purelib: `${prefix}/${site}`,
      platlib: `${prefix}/${site}`,
      scripts: `${prefix}/bin`,
      include: `${prefix}/include/python${short}`,
      data: prefix,
    },
    venv_scheme: {
      purelib: `@V@/${site}`,
      platlib: `@V@/${site}`,
      scripts: "@V@/bin",
      include: `@V@/include/python${short}`,
      data: "@V@",
    },
    venv_placeholder: "@V@",
    stdlib: `${prefix}/lib/python${short}`,
    ld_library: `libpython${short}.so`,
  };
}

/** Writes an executable file (its content never runs: the fake runner answers for it). */
export function writeFakeExecutable(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, "#!/bin/false\n");
  chmodSync(path, 0o755);
}

/**
 * A process runner that answers the probe for known executables from `answers` (a probe
 * answer, or a `ProcessOutput` for failures) and records every program it was asked to start.
 */
export class FakeRunner {
  readonly spawned: string[] = [];
  readonly answers = new Map<string, Record<string, unknown> | ProcessOutput>();

  readonly run: ProcessRunner = async (program) => {
    this.spawned.push(program);
    const answer = this.answers.get(program);
    if (answer === undefined) return { status: 127, stdout: "", stderr: `${program}: not found` };
    if ("status" in answer && "stderr" in answer) return answer as ProcessOutput;
    return { status: 0, stdout: JSON.stringify(answer), stderr: "" };
  };
}

/**
 * Writes an executable shell script at `path` that prints `answer` whatever it is asked: to the
 * probe it is a Python whose description is `answer` (see `fakeProbeAnswer`). For tests that run
 * the CLI (in-process or the built bin) on an environment without starting Python.
 */
export function writeAnsweringPython(path: string, answer: Record<string, unknown>): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `#!/bin/sh\ncat <<'PUFFIN_PROBE'\n${JSON.stringify(answer)}\nPUFFIN_PROBE\n`);
  chmodSync(path, 0o755);
}
