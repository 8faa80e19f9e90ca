// Git repositories made by tests with the git CLI: commits, branches, tags, subdirectory
// projects, reachable as `git+file://` URLs. Nothing of the user's git configuration is read
// (no global or system config), so the repositories are the same on every machine.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

/** The absolute path of `git`, or undefined when it is not installed. */
export function findGit(): string | undefined {
  const result = spawnSync("sh", ["-c", "command -v git"], { encoding: "utf8" });
  const path = result.stdout.trim();
  return result.status === 0 && path !== "" ? path : undefined;
}

/** An environment for git that ignores the user's and the system's git configuration. */
export function isolatedGitEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...env,
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_AUTHOR_NAME: "Puffin Test",
    GIT_AUTHOR_EMAIL: "test@puffin.invalid",
    GIT_COMMITTER_NAME: "Puffin Test",
    GIT_COMMITTER_EMAIL: "test@puffin.invalid",
  };
}

export class GitRepository {
  private constructor(readonly path: string) {}

  /** `git init` at `path` (created) with `main` as its default branch. */
  static create(path: string): GitRepository {
    mkdirSync(path, { recursive: true });
    const repository = new GitRepository(path);
    repository.git("init", "--quiet", "--initial-branch=main");
    return repository;
  }

  /** An existing repository (a checkout, say) at `path`. */
  static open(path: string): GitRepository {
    return new GitRepository(path);
  }

  /** Runs git in the repository; its trimmed stdout. */
  git(...args: string[]): string {
    return execFileSync("git", args, {
      cwd: this.path,
      env: isolatedGitEnv(),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  }

  /** Writes `files` (relative path → content), stages everything, commits; the new commit. */
  commit(message: string, files: Record<string, string> = {}): string {
    for (const [relative, content] of Object.entries(files)) {
      const path = join(this.path, relative);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
    this.git("add", "--all");
    this.git("commit", "--quiet", "--allow-empty", "--message", message);
    return this.head();
  }

  /** The full commit at `HEAD`. */
  head(): string {
    return this.git("rev-parse", "HEAD");
  }

  /** Switches to `branch`, creating it at `HEAD` when `create`. */
  switch(branch: string, create = false): void {
    this.git("switch", "--quiet", ...(create ? ["--create"] : []), branch);
  }

  /** Tags `HEAD`: a lightweight tag, or an annotated one when `message` is given. */
  tag(name: string, message?: string): void {
    this.git("tag", ...(message === undefined ? [] : ["--annotate", "--message", message]), name);
  }

  /** `git+file:///…/repo[@ref][#subdirectory=sub]`. */
  url(reference?: string, subdirectory?: string): string {
    const ref = reference === undefined ? "" : `@${reference}`;
    const fragment = subdirectory === undefined ? "" : `#subdirectory=${subdirectory}`;
    return `git+${pathToFileURL(this.path).href}${ref}${fragment}`;
  }
}
