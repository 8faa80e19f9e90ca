import { spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";
import type { BuildEnvironment, ConfigSettings } from "../build-context/index.ts";
import { log, PuffinError } from "../support/index.ts";
import { HOOK_SHIM } from "./hook-shim.ts";
import type { BuildSystem } from "./pyproject.ts";

/** The PEP 517 and PEP 660 hooks Puffin calls. */
export type BuildHook =
  | "get_requires_for_build_wheel"
  | "prepare_metadata_for_build_wheel"
  | "build_wheel"
  | "get_requires_for_build_editable"
  | "build_editable";

/** How many of the backend's last output lines a failed build shows. */
const SHOWN_LINES = 20;
/** How many lines are kept while the backend runs (the rest go to the debug log only). */
const KEPT_LINES = 200;

export interface Pep517BackendOptions {
  readonly buildSystem: BuildSystem;
  /** The working directory of every hook. */
  readonly sourceTree: string;
  readonly environment: BuildEnvironment;
  /** A private directory for the shim and its request/response files. */
  readonly workDirectory: string;
  readonly configSettings: ConfigSettings;
  /** What to call the project in messages. */
  readonly display: string;
}

/**
 * Calls a build backend's hooks, each in its own Python process (as pip and uv do): the hook
 * shim (`hook-shim.ts`) runs with the build environment's interpreter, the source tree as its
 * working directory, `config_settings` passed to every hook that takes them. The backend's
 * stdout and stderr are captured (each line to the debug log); a failed hook is a
 * `build-backend-failed` error whose cause holds its last lines and whose hint names the usual
 * culprits.
 *
 * The environment: the build environment's `bin` first on `PATH` (so tools its requirements
 * install, `cython` or `cmake`, are found) and `VIRTUAL_ENV` set to it; for an isolated build,
 * `PYTHONPATH` is removed, so nothing outside the environment leaks in.
 */
export class Pep517Backend {
  #calls = 0;
  #shim: Promise<string> | undefined;

  constructor(readonly options: Pep517BackendOptions) {}

  /**
   * Calls `hook` with `args` (plus `config_settings`) and returns its value, or `undefined` if
   * the backend does not have this optional hook (`prepare_metadata_for_build_wheel`,
   * `build_editable`).
   */
  async call(hook: BuildHook, args: Record<string, unknown> = {}): Promise<unknown> {
    const { buildSystem, environment, workDirectory, configSettings } = this.options;
    const shim = await this.#writeShim();
    this.#calls += 1;
    const request = join(workDirectory, `request-${this.#calls}.json`);
    const response = join(workDirectory, `response-${this.#calls}.json`);
    await writeFile(
      request,
      JSON.stringify({
        backend: buildSystem.backend,
        backend_path: buildSystem.backendPath,
        args: { ...args, config_settings: configSettings },
      }),
    );
    const python = environment.interpreter.executable;
    log.debug(() => `Calling ${buildSystem.backend}.${hook} for ${this.options.display}`);
    const run = await runCaptured(python, [shim, hook, request, response], {
      cwd: this.options.sourceTree,
      env: this.#env(),
      label: `${this.options.display} ${hook}`,
    });
    const answer = await readResponse(response);
    if (answer === undefined || answer["status"] === "hook-failed") {
      throw this.#failure(hook, run, answer === undefined ? run.exit : undefined);
    }
    switch (answer["status"]) {
      case "ok":
        return answer["value"];
      case "missing-hook":
        return undefined;
      case "backend-invalid":
        throw new PuffinError(
          "build-backend-invalid",
          `The build backend of ${this.options.display} is invalid: ${String(answer["message"])}`,
        );
      default:
        throw new PuffinError(
          "build-backend-unavailable",
          `Cannot import the build backend \`${buildSystem.backend}\` of ${this.options.display}`,
          {
            cause: new Error(lastLines(String(answer["traceback"] ?? "").split("\n"))),
            hint: environment.isolated
              ? "the backend must be installed by `[build-system] requires` in pyproject.toml"
              : "without build isolation, install the build backend into the environment first",
          },
        );
    }
  }

  #writeShim(): Promise<string> {
    this.#shim ??= (async () => {
      // Alone in its directory: Python puts the script's directory on sys.path.
      const path = join(this.options.workDirectory, "shim", "puffin_pep517_shim.py");
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, HOOK_SHIM);
      return path;
    })();
    return this.#shim;
  }

  #env(): NodeJS.ProcessEnv {
    const { interpreter, isolated } = this.options.environment;
    const env: NodeJS.ProcessEnv = { ...process.env };
    const bin = interpreter.info.scheme.scripts;
    env["PATH"] = env["PATH"] ? `${bin}${delimiter}${env["PATH"]}` : bin;
    env["VIRTUAL_ENV"] = interpreter.info.prefix;
    if (isolated) delete env["PYTHONPATH"];
    // A backend's `print` must not fail on a non-UTF-8 locale.
    env["PYTHONIOENCODING"] = "utf-8";
    return env;
  }

  #failure(hook: BuildHook, run: CapturedRun, exit: string | undefined): PuffinError {
    const { display, buildSystem } = this.options;
    const how = exit === undefined ? "" : ` (${exit})`;
    return new PuffinError(
      "build-backend-failed",
      `Failed to build ${display}: the build backend \`${buildSystem.backend}\` failed in \`${hook}\`${how}`,
      {
        cause: new Error(
          run.lines.length === 0
            ? "The backend printed nothing"
            : `The backend's last output:\n${lastLines(run.lines)}`,
        ),
        ...withHint(buildFailureHint(run.lines)),
      },
    );
  }
}

function withHint(hint: string | undefined): { hint?: string } {
  return hint === undefined ? {} : { hint };
}

function lastLines(lines: readonly string[]): string {
  const trimmed = lines.slice();
  while (trimmed.length > 0 && trimmed.at(-1)!.trim() === "") trimmed.pop();
  return trimmed
    .slice(-SHOWN_LINES)
    .map((line) => `  ${line}`)
    .join("\n");
}

/**
 * A hint for the usual causes of a failed build, read from its output: a missing C header (the
 * Python headers: `python3-dev`; another: its `-dev` package), a missing compiler, a module the
 * backend imports that `[build-system] requires` does not list.
 */
export function buildFailureHint(lines: readonly string[]): string | undefined {
  const text = lines.join("\n");
  const header = /fatal error: ([\w./+-]+\.h): No such file or directory/.exec(text)?.[1];
  if (header === "Python.h") {
    return "the Python development headers are missing: install them (e.g. `apt install python3-dev`, `dnf install python3-devel`), or use a Python that ships them";
  }
  if (header !== undefined) {
    return `the C header \`${header}\` is missing: install the development package that provides it (on Debian and Ubuntu, a \`lib…-dev\` package; \`apt-file search ${header}\` names it)`;
  }
  const compiler =
    /(?:error: command '([^']+)' failed: No such file or directory|unable to execute '([^']+)': No such file or directory|\b(gcc|cc|g\+\+|c\+\+|clang): (?:command )?not found)/.exec(
      text,
    );
  if (compiler !== null) {
    const name = compiler[1] ?? compiler[2] ?? compiler[3];
    return `the compiler \`${name}\` is missing: install a C/C++ toolchain (e.g. \`apt install build-essential\`) or use a wheel of this package`;
  }
  const module = /ModuleNotFoundError: No module named '([\w.]+)'/.exec(text)?.[1];
  if (module !== undefined) {
    return `the build imports \`${module}\`, which its \`[build-system] requires\` does not provide; if the project expects it preinstalled, install it first and build with \`--no-build-isolation\``;
  }
  return undefined;
}

interface CapturedRun {
  /** The last `KEPT_LINES` lines of stdout and stderr, interleaved as they arrived. */
  readonly lines: string[];
  /** `exit code N` or `killed by SIGNAL`. */
  readonly exit: string;
}

function runCaptured(
  program: string,
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; label: string },
): Promise<CapturedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    const partial = { stdout: "", stderr: "" };
    const take = (line: string) => {
      log.debug(() => `[${options.label}] ${line}`);
      lines.push(line);
      if (lines.length > KEPT_LINES) lines.shift();
    };
    for (const stream of ["stdout", "stderr"] as const) {
      child[stream].setEncoding("utf8");
      child[stream].on("data", (chunk: string) => {
        const parts = (partial[stream] + chunk).split(/\r?\n/);
        partial[stream] = parts.pop()!;
        for (const line of parts) take(line);
      });
    }
    child.on("error", (error) =>
      reject(
        new PuffinError(
          "build-backend-failed",
          `Failed to run \`${program}\` for ${options.label}`,
          {
            cause: error,
          },
        ),
      ),
    );
    child.on("close", (code, signal) => {
      for (const rest of [partial.stdout, partial.stderr]) if (rest !== "") take(rest);
      resolve({ lines, exit: signal === null ? `exit code ${code}` : `killed by ${signal}` });
    });
  });
}

async function readResponse(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(path, "utf8"));
    return typeof value === "object" && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    // No response: the interpreter died before the shim answered (it prints why).
    return undefined;
  }
}
