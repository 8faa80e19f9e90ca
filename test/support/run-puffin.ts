import { runCli } from "../../src/cli/index.ts";

export interface PuffinRun {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `puffin ARGS…` in-process, as the tests' stand-in for a terminal: stderr is not a TTY, the
 * environment is exactly `env` (nothing leaks in from the test runner's), and the output is captured.
 */
export async function runPuffin(
  args: readonly string[],
  options: {
    env?: NodeJS.ProcessEnv;
    cwd?: string;
    /** Stdin's content, or a function giving its chunks (an endless generator, say). */
    stdin?: string | (() => AsyncIterable<Uint8Array | string>);
  } = {},
): Promise<PuffinRun> {
  const { stdin } = options;
  let stdout = "";
  let stderr = "";
  const status = await runCli(args, {
    env: options.env ?? {},
    cwd: options.cwd,
    stdin:
      typeof stdin === "function"
        ? stdin
        : async function* () {
            yield stdin ?? "";
          },
    streams: {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text), isTTY: false },
    },
  });
  return { status, stdout, stderr };
}
