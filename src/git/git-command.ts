import { spawn } from "node:child_process";
import { log, PuffinError, redactCredentials } from "../support/index.ts";

/** What one `git` run produced. */
export interface GitOutput {
  /** The exit code (null when git was killed by a signal). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the `git` command found on `PATH` (no library: the user's git brings their SSH setup,
 * credential helpers and proxy configuration).
 *
 * Contract: git never waits for input. stdin is closed, `GIT_TERMINAL_PROMPT=0` stops the
 * username/password prompt and `GIT_ASKPASS` is unset, so a repository that needs credentials
 * nobody configured fails at once instead of hanging. `GIT_SSH_COMMAND` and the rest of the
 * environment pass through. Variables that point git at another repository (`GIT_DIR`, set when
 * Puffin runs inside a git hook) are removed. Every argument and every line of git's output that
 * reaches a message is redacted (`redactCredentials`).
 */
export class GitCommand {
  private readonly env: NodeJS.ProcessEnv;

  /** `env` is the environment git runs with (the command's own, usually `process.env`). */
  constructor(env: NodeJS.ProcessEnv = process.env) {
    const prepared: NodeJS.ProcessEnv = { ...env, GIT_TERMINAL_PROMPT: "0" };
    for (const name of UNSET) delete prepared[name];
    this.env = prepared;
  }

  /** Runs `git <args>` in `cwd`; its output whatever the exit code. */
  async output(args: readonly string[], cwd?: string): Promise<GitOutput> {
    log.debug(() => `Running \`${displayCommand(args)}\`${cwd === undefined ? "" : ` in ${cwd}`}`);
    return new Promise((resolve, reject) => {
      const child = spawn("git", args, {
        cwd,
        env: this.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
      child.on("error", (error: NodeJS.ErrnoException) => {
        reject(
          error.code === "ENOENT"
            ? new PuffinError(
                "git-not-found",
                "Git is required for git requirements, but `git` was not found on PATH",
                {
                  hint: "Install git (for example `apt-get install git`) and make sure `git` is on PATH",
                  cause: error,
                },
              )
            : new PuffinError("git-command-failed", `Could not run \`${displayCommand(args)}\``, {
                cause: error,
              }),
        );
      });
      child.on("close", (code) => {
        resolve({
          code,
          stdout: Buffer.concat(stdout).toString("utf8"),
          stderr: Buffer.concat(stderr).toString("utf8"),
        });
      });
    });
  }

  /** Runs `git <args>` and returns its stdout; a non-zero exit is a `git-command-failed` error. */
  async run(args: readonly string[], cwd?: string): Promise<string> {
    const result = await this.output(args, cwd);
    if (result.code !== 0) throw commandFailure(args, result);
    return result.stdout;
  }
}

/**
 * The error for a failed git run: the command (redacted) and git's own last words (redacted) in
 * the message, since that is where git says what is wrong (`Repository not found`, `Could not
 * resolve host`, `Permission denied (publickey)`).
 */
export function commandFailure(args: readonly string[], result: GitOutput): PuffinError {
  const status = result.code === null ? "was killed" : `exited with status ${result.code}`;
  const detail = gitMessage(result.stderr);
  return new PuffinError(
    "git-command-failed",
    `\`${displayCommand(args)}\` ${status}${detail === "" ? "" : `: ${detail}`}`,
  );
}

/** git's stderr as one redacted line: its meaningful lines (no progress or hints), joined. */
export function gitMessage(stderr: string): string {
  const lines = stderr
    .split(/\r?\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("hint:"));
  return redactCredentials(lines.slice(-MAX_MESSAGE_LINES).join(" | "));
}

/** `git fetch …` as it can be shown: arguments redacted and quoted when they need it. */
function displayCommand(args: readonly string[]): string {
  const shown = args.map((arg) => {
    const redacted = redactCredentials(arg);
    return /^[\w@%+=:,./^{}*-]+$/.test(redacted)
      ? redacted
      : `'${redacted.replace(/'/g, "'\\''")}'`;
  });
  return ["git", ...shown].join(" ");
}

const MAX_MESSAGE_LINES = 4;

/** Variables that would make git act on another repository than the one named by `cwd`. */
const UNSET = [
  "GIT_ASKPASS",
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_COMMON_DIR",
];
