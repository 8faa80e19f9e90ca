import { dirname, join } from "node:path";
import { type Cache, CacheBucket, type CacheSource, urlDigest } from "../cache/index.ts";
import type { VcsDirectUrl } from "../pypi-types/index.ts";
import {
  createTempDirectory,
  FileLock,
  isDirectory,
  log,
  PuffinError,
  publishDirectory,
  removeTree,
} from "../support/index.ts";
import { commandFailure, GitCommand, type GitOutput, gitMessage } from "./git-command.ts";
import { type GitReference, GitUrl } from "./git-url.ts";

/**
 * Fetching git requirements into the cache, with the `git` command.
 *
 *     git-v0/
 *     ├── db/
 *     │   ├── <digest(repository URL)>/              bare repository, fetched into
 *     │   └── <digest(repository URL)>.lock          held while fetching or checking out
 *     └── checkouts/<digest(repository URL)>/
 *         └── <full commit>/                         the tree at that commit, with its .git
 *
 * The digest is of the repository URL without credentials (`urlDigest`), so the same repository
 * reached with another token shares its entries, and no secret reaches a file name or a git
 * config in the cache: the URL is passed to `git fetch` on each run, never stored as a remote.
 *
 * Fetch only what is needed (uv's strategy, from Cargo): a branch or tag fetches that one ref; a
 * full commit is fetched by id when the server allows it (protocol v2 servers do), else every
 * branch and tag; a short commit fetches every branch and tag. `--depth` is never used: a
 * shallow fetch cannot reliably reach an arbitrary commit, and a build (setuptools-scm) wants
 * history and tags.
 *
 * A checkout is built in a temp directory beside its target (a local clone of the bare
 * repository, objects hard-linked, then `checkout --detach`) and published atomically, so one
 * that exists is complete. A commit never changes, so a checkout is reused forever, and a full
 * commit whose checkout exists is answered without running git at all. A branch or tag is
 * re-resolved against the remote on every run, except with `offline`, where what the bare
 * repository already has is used.
 *
 * Concurrency: fetches of one repository are serialized, within a process by a queue and across
 * processes by a `FileLock` beside the bare repository.
 */
export interface GitFetchOptions {
  cache: Cache;
  /** Never reach the remote: resolve from the bare repository, fail naming what is missing. */
  offline?: boolean | undefined;
  /** The environment git runs with (default `process.env`); see `GitCommand`. */
  env?: NodeJS.ProcessEnv | undefined;
}

/** A git requirement, fetched and checked out. */
export interface GitSource {
  /** The full commit the reference resolved to. */
  commit: string;
  /** The checkout, with the URL's subdirectory applied: where the project is. */
  checkoutPath: string;
  /** The URL pinned to `commit` (`git+https://…@<full commit>#subdirectory=…`), for pins. */
  canonicalUrl: GitUrl;
  /** What `direct_url.json` says of a distribution installed from this source (PEP 610). */
  directUrl: VcsDirectUrl;
  /** The source key of what is built from this checkout (`built-wheels-v0/git/…`). */
  cacheSource: CacheSource;
}

/** Resolves `url`'s reference to a commit and returns its checkout; see the module doc. */
export async function fetchGitSource(
  url: GitUrl | string,
  options: GitFetchOptions,
): Promise<GitSource> {
  const gitUrl = typeof url === "string" ? GitUrl.parse(url) : url;
  const reference = gitUrl.referenceKind();
  const digest = urlDigest(gitUrl.repository);
  const database = options.cache.shard(CacheBucket.Git, "db", digest);
  const checkouts = options.cache.shard(CacheBucket.Git, "checkouts", digest);

  if (reference.kind === "full-commit" && (await isDirectory(join(checkouts, reference.commit)))) {
    return gitSource(gitUrl, reference.commit, checkouts);
  }

  await options.cache.init();
  const git = new GitCommand(options.env);
  const commit = await serialized(database, async () => {
    const lock = await FileLock.acquire(`${database}.lock`, { area: "cache" });
    try {
      if (
        reference.kind === "full-commit" &&
        (await isDirectory(join(checkouts, reference.commit)))
      ) {
        return reference.commit;
      }
      await ensureDatabase(git, database);
      const repository = new Repository(git, database, gitUrl, options);
      const resolved = await repository.resolve(reference);
      await ensureCheckout(git, database, checkouts, resolved);
      return resolved;
    } finally {
      await lock.release();
    }
  });
  return gitSource(gitUrl, commit, checkouts);
}

/** Refspecs that fetch every branch, every tag and the remote's `HEAD`. */
const ALL_REFSPECS = [
  "+refs/heads/*:refs/remotes/origin/*",
  "+refs/tags/*:refs/remotes/origin/tags/*",
  "+HEAD:refs/remotes/origin/HEAD",
];

/** Where a fetched branch and tag of a name are kept in the bare repository. */
const branchRef = (name: string) => `refs/remotes/origin/${name}`;
const tagRef = (name: string) => `refs/remotes/origin/tags/${name}`;

type FetchOutcome = { ok: true } | { ok: false; args: string[]; result: GitOutput };

/** One bare repository and the URL it is fetched from. */
class Repository {
  private readonly shown: string;

  constructor(
    private readonly git: GitCommand,
    private readonly path: string,
    private readonly url: GitUrl,
    private readonly options: GitFetchOptions,
  ) {
    this.shown = url.withReference(undefined).redacted().slice("git+".length);
  }

  /** The full commit `reference` names, fetching first unless offline. */
  async resolve(reference: GitReference): Promise<string> {
    const offline = this.options.offline === true;
    switch (reference.kind) {
      case "full-commit": {
        const { commit } = reference;
        if (await this.hasCommit(commit)) return commit;
        if (offline) throw this.offlineError();
        const direct = await this.fetch([`+${commit}:refs/commit/${commit}`]);
        if (!direct.ok) {
          log.debug(
            () =>
              `Fetching commit ${commit} by id from ${this.shown} failed (${gitMessage(direct.result.stderr)}); fetching every branch and tag`,
          );
          await this.fetchOrThrow(ALL_REFSPECS, reference);
        }
        if (await this.hasCommit(commit)) return commit;
        throw this.notFound(reference);
      }
      case "default-branch":
      case "named-ref": {
        const target = reference.kind === "named-ref" ? reference.name : "refs/remotes/origin/HEAD";
        if (!offline) {
          const refspec =
            reference.kind === "named-ref" ? `+${target}:${target}` : `+HEAD:${target}`;
          await this.fetchOrThrow([refspec], reference);
        }
        return this.resolveFirst([target], reference);
      }
      case "branch-or-tag": {
        const { name } = reference;
        if (offline) return this.resolveFirst([branchRef(name), tagRef(name)], reference);
        // A name is tried as a branch, then as a tag; the first that the remote has wins.
        const branch = await this.fetch([`+refs/heads/${name}:${branchRef(name)}`]);
        if (branch.ok) return this.resolveFirst([branchRef(name)], reference);
        // Any failure but a missing branch (no network, no such repository) ends it here.
        if (!isMissingRef(branch.result)) throw this.fetchFailure(reference, branch);
        const tag = await this.fetch([`+refs/tags/${name}:${tagRef(name)}`]);
        if (tag.ok) return this.resolveFirst([tagRef(name)], reference);
        throw this.fetchFailure(reference, tag);
      }
      case "branch-tag-or-commit": {
        const { name } = reference;
        const candidates = [branchRef(name), tagRef(name), name];
        // A short commit the repository already holds needs no fetch, unless the name is also
        // a branch or tag we fetched before (those move).
        const known =
          (await this.revParse(branchRef(name))) === undefined &&
          (await this.revParse(tagRef(name))) === undefined &&
          (await this.revParse(name)) !== undefined;
        if (!offline && !known) await this.fetchOrThrow(ALL_REFSPECS, reference);
        return this.resolveFirst(candidates, reference);
      }
    }
  }

  /** Runs `git fetch` of `refspecs` into the bare repository. */
  private async fetch(refspecs: readonly string[]): Promise<FetchOutcome> {
    // `--force` follows force-pushed branches and moved tags; `--` keeps the URL an argument.
    const args = ["fetch", "--force", "--", this.url.repository, ...refspecs];
    const result = await this.git.output(args, this.path);
    return result.code === 0 ? { ok: true } : { ok: false, args, result };
  }

  private async fetchOrThrow(refspecs: readonly string[], reference: GitReference): Promise<void> {
    const outcome = await this.fetch(refspecs);
    if (!outcome.ok) throw this.fetchFailure(reference, outcome);
  }

  /** The commit of the first of `revisions` the repository has. */
  private async resolveFirst(revisions: readonly string[], reference: GitReference) {
    for (const revision of revisions) {
      const commit = await this.revParse(revision);
      if (commit !== undefined) return commit;
    }
    throw this.options.offline === true ? this.offlineError() : this.notFound(reference);
  }

  /** `revision` peeled to a commit (an annotated tag to its commit), or undefined. */
  private async revParse(revision: string): Promise<string | undefined> {
    const result = await this.git.output(
      ["rev-parse", "--verify", "--quiet", `${revision}^{commit}`],
      this.path,
    );
    return result.code === 0 ? result.stdout.trim() : undefined;
  }

  private async hasCommit(commit: string): Promise<boolean> {
    return (await this.git.output(["cat-file", "-e", `${commit}^{commit}`], this.path)).code === 0;
  }

  private fetchFailure(reference: GitReference, outcome: FetchOutcome & { ok: false }) {
    const cause = commandFailure(outcome.args, outcome.result);
    if (isMissingRef(outcome.result)) {
      return this.notFound(reference, cause);
    }
    return new PuffinError(
      "git-fetch-failed",
      `Failed to fetch ${describeReference(reference)} from ${this.shown}`,
      { cause, hint: fetchHint(outcome.result.stderr) },
    );
  }

  private notFound(reference: GitReference, cause?: PuffinError) {
    return new PuffinError(
      "git-reference-not-found",
      `Git ${describeReference(reference)} was not found in ${this.shown}`,
      { cause, hint: "Check the name after `@` in the URL: branches and tags are case-sensitive" },
    );
  }

  private offlineError() {
    return new PuffinError(
      "offline-not-cached",
      `\`${this.url.redacted()}\` is not in the cache, and the network is disabled (--offline)`,
      { hint: "Run once without --offline to fetch it" },
    );
  }
}

/**
 * Whether git failed because the remote lacks the ref asked for. git's message is matched, so
 * in another locale this is false: a missing branch is then still tried as a tag, and the error
 * is `git-fetch-failed` with git's own words.
 */
function isMissingRef(result: GitOutput): boolean {
  return /couldn't find remote ref/i.test(result.stderr);
}

function describeReference(reference: GitReference): string {
  switch (reference.kind) {
    case "default-branch":
      return "the default branch";
    case "named-ref":
      return `ref \`${reference.name}\``;
    case "full-commit":
      return `commit \`${reference.commit}\``;
    case "branch-tag-or-commit":
      return `branch, tag or commit \`${reference.name}\``;
    case "branch-or-tag":
      return `branch or tag \`${reference.name}\``;
  }
}

function fetchHint(stderr: string): string | undefined {
  if (
    /terminal prompts disabled|could not read (Username|Password)|Authentication failed/i.test(
      stderr,
    )
  ) {
    return "The repository needs credentials: put them in the URL, or configure a git credential helper or an SSH key (Puffin never prompts)";
  }
  if (/Permission denied \(publickey/i.test(stderr)) {
    return "Check that your SSH key is loaded (`ssh-add -l`) or set GIT_SSH_COMMAND";
  }
  return undefined;
}

/** Creates the bare repository if missing (atomically: a killed init leaves only a temp dir). */
async function ensureDatabase(git: GitCommand, database: string): Promise<void> {
  if (await isDirectory(database)) return;
  const temp = await createTempDirectory(dirname(database));
  try {
    await git.run(["init", "--bare", "--quiet", temp]);
    await publishDirectory(temp, database);
  } catch (error) {
    await removeTree(temp);
    throw error;
  }
}

/** Publishes the checkout of `commit` at `<checkouts>/<commit>` unless it exists. */
async function ensureCheckout(
  git: GitCommand,
  database: string,
  checkouts: string,
  commit: string,
): Promise<void> {
  const target = join(checkouts, commit);
  if (await isDirectory(target)) return;
  const temp = await createTempDirectory(checkouts);
  try {
    // A local clone hard-links every object of the bare repository, including commits that no
    // branch of it names (fetched by id), so the detached checkout finds them.
    await git.run(["clone", "--local", "--no-checkout", "--quiet", "--", database, temp]);
    await git.run(
      ["-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", commit],
      temp,
    );
    await publishDirectory(temp, target);
  } catch (error) {
    await removeTree(temp);
    throw error;
  }
}

async function gitSource(url: GitUrl, commit: string, checkouts: string): Promise<GitSource> {
  const root = join(checkouts, commit);
  const checkoutPath = url.subdirectory === undefined ? root : join(root, url.subdirectory);
  if (!(await isDirectory(checkoutPath))) {
    throw new PuffinError(
      "git-subdirectory-missing",
      `The subdirectory \`${url.subdirectory}\` does not exist in ${url.withReference(undefined).redacted()} at commit ${commit}`,
    );
  }
  return {
    commit,
    checkoutPath,
    canonicalUrl: url.withReference(commit),
    directUrl: url.directUrl(commit),
    cacheSource: { kind: "git", url: url.repository, commit },
  };
}

/** Per-key queues: work on one bare repository runs one at a time within this process. */
const queues = new Map<string, Promise<void>>();

function serialized<T>(key: string, work: () => Promise<T>): Promise<T> {
  const result = (queues.get(key) ?? Promise.resolve()).then(work);
  const settled = result.then(
    () => {},
    () => {},
  );
  queues.set(key, settled);
  void settled.then(() => {
    if (queues.get(key) === settled) queues.delete(key);
  });
  return result;
}
