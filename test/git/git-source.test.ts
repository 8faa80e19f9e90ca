import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Cache } from "../../src/cache/index.ts";
import type { GitFetchOptions } from "../../src/git/git-source.ts";
import { fetchGitSource, GitUrl } from "../../src/git/index.ts";
import { type ErrorCode, errorChain, PuffinError } from "../../src/support/index.ts";
import { findGit, GitRepository, isolatedGitEnv } from "../support/git-repository.ts";
import { testDirectory } from "../support/temp-dir.ts";

const realGit = findGit();
const skip = realGit === undefined ? "git is not installed" : false;
const root = testDirectory("git-source");

/**
 * A `git` on PATH that logs its subcommand line to a file, then runs the real git: how the
 * tests see which git commands a fetch ran.
 */
function gitRecorder(name: string): { env: NodeJS.ProcessEnv; calls: () => string[] } {
  const bin = join(root, `${name}-bin`);
  const log = join(bin, "calls.log");
  mkdirSync(bin, { recursive: true });
  writeFileSync(log, "");
  const wrapper = join(bin, "git");
  writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec '${realGit}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  return {
    env: isolatedGitEnv({ ...process.env, PATH: `${bin}:${process.env["PATH"] ?? ""}` }),
    calls: () =>
      readFileSync(log, "utf8")
        .split("\n")
        .filter((line) => line !== ""),
  };
}

const fetches = (calls: string[]) => calls.filter((line) => line.startsWith("fetch "));

/**
 * The upstream repository of most tests:
 *   main:    c1 (pkg/ v1) ← c2 (pkg/ v2, tagged v2 annotated) ← c3 (tip)
 *   feature: c2 ← f1
 *   v1:      lightweight tag at c1
 */
function upstream(name: string) {
  const repo = GitRepository.create(join(root, name));
  const c1 = repo.commit("one", {
    VERSION: "1\n",
    "pkg/pyproject.toml": '[project]\nname = "pkg"\nversion = "1"\n',
  });
  repo.tag("v1");
  const c2 = repo.commit("two", { VERSION: "2\n" });
  repo.tag("v2", "release 2");
  repo.switch("feature", true);
  const f1 = repo.commit("feature", { VERSION: "feature\n" });
  repo.switch("main");
  const c3 = repo.commit("three", { VERSION: "3\n" });
  return { repo, c1, c2, c3, f1 };
}

let shared: ReturnType<typeof upstream> | undefined;
/** One upstream for the tests that only read it (creating one costs a dozen git runs). */
const sharedUpstream = () => {
  shared ??= upstream("shared");
  return shared;
};

function options(name: string, extra: Partial<GitFetchOptions> = {}) {
  const recorder = gitRecorder(name);
  const cache = Cache.at(join(root, `${name}-cache`));
  return { recorder, options: { cache, env: recorder.env, ...extra } };
}

const version = (checkout: string) => readFileSync(join(checkout, "VERSION"), "utf8").trim();

function rejectsWith(code: ErrorCode, check: (chain: string) => void = () => {}) {
  return (error: unknown) => {
    assert.ok(error instanceof PuffinError, String(error));
    assert.equal(error.code, code, errorChain(error).join(" / "));
    check([...errorChain(error), error.hint ?? ""].join("\n"));
    return true;
  };
}

describe("fetchGitSource", { skip }, () => {
  test("resolves the default branch, branches, tags, short and full commits", async () => {
    const { repo, c1, c2, c3, f1 } = sharedUpstream();
    const { options: fetchOptions } = options("refs");
    const cases: [string | undefined, string, string][] = [
      [undefined, c3, "3"],
      ["main", c3, "3"],
      ["feature", f1, "feature"],
      ["v1", c1, "1"],
      ["v2", c2, "2"], // an annotated tag resolves to its commit
      [c2.slice(0, 9), c2, "2"],
      [c1, c1, "1"],
      [c2.toUpperCase(), c2, "2"],
    ];
    for (const [reference, commit, content] of cases) {
      const source = await fetchGitSource(repo.url(reference), fetchOptions);
      assert.equal(source.commit, commit, `${reference}`);
      assert.equal(version(source.checkoutPath), content, `${reference}`);
      assert.equal(source.canonicalUrl.toString(), repo.url(commit));
      assert.deepEqual(source.cacheSource, {
        kind: "git",
        url: GitUrl.parse(repo.url()).repository,
        commit,
      });
    }
  });

  test("applies the subdirectory and records it in direct_url.json", async () => {
    const { repo, c1 } = sharedUpstream();
    const { options: fetchOptions } = options("subdirectory");
    const source = await fetchGitSource(repo.url("v1", "pkg"), fetchOptions);
    assert.match(readFileSync(join(source.checkoutPath, "pyproject.toml"), "utf8"), /name = "pkg"/);
    assert.equal(source.canonicalUrl.toString(), repo.url(c1, "pkg"));
    assert.deepEqual(source.directUrl, {
      kind: "vcs",
      url: GitUrl.parse(repo.url()).repository,
      subdirectory: "pkg",
      vcs: "git",
      commitId: c1,
      requestedRevision: "v1",
    });
    await assert.rejects(
      fetchGitSource(repo.url("v1", "missing"), fetchOptions),
      rejectsWith("git-subdirectory-missing", (chain) => assert.match(chain, /`missing`/)),
    );
  });

  test("a checkout keeps its .git, so tools such as setuptools-scm see the commit", async () => {
    const { repo, c2 } = sharedUpstream();
    const { options: fetchOptions } = options("dotgit");
    const source = await fetchGitSource(repo.url("v2"), fetchOptions);
    const checkout = GitRepository.open(source.checkoutPath);
    assert.equal(checkout.head(), c2);
  });

  test("a full commit already checked out runs no git at all", async () => {
    const { repo, c1 } = sharedUpstream();
    const { recorder, options: fetchOptions } = options("reuse-full");
    const first = await fetchGitSource(repo.url(c1), fetchOptions);
    assert.equal(fetches(recorder.calls()).length, 1);
    const before = recorder.calls().length;
    const second = await fetchGitSource(repo.url(c1), fetchOptions);
    assert.equal(second.checkoutPath, first.checkoutPath);
    assert.equal(recorder.calls().length, before);
  });

  test("a short commit the cache holds is not fetched again", async () => {
    const { repo, c2 } = sharedUpstream();
    const { recorder, options: fetchOptions } = options("reuse-short");
    await fetchGitSource(repo.url(c2.slice(0, 8)), fetchOptions);
    assert.equal(fetches(recorder.calls()).length, 1);
    const source = await fetchGitSource(repo.url(c2.slice(0, 10)), fetchOptions);
    assert.equal(source.commit, c2);
    assert.equal(fetches(recorder.calls()).length, 1);
  });

  test("a branch is re-resolved on every run, except offline; its checkouts are reused", async () => {
    const { repo, c3 } = upstream("moving");
    const { recorder, options: fetchOptions } = options("moving");
    const first = await fetchGitSource(repo.url("main"), fetchOptions);
    assert.equal(first.commit, c3);
    const again = await fetchGitSource(repo.url("main"), fetchOptions);
    assert.equal(again.checkoutPath, first.checkoutPath);
    assert.equal(fetches(recorder.calls()).length, 2);
    assert.equal(recorder.calls().filter((line) => line.startsWith("clone ")).length, 1);

    const c4 = repo.commit("four", { VERSION: "4\n" });
    const offline = await fetchGitSource(repo.url("main"), { ...fetchOptions, offline: true });
    assert.equal(offline.commit, c3);
    assert.equal(fetches(recorder.calls()).length, 2);

    const updated = await fetchGitSource(repo.url("main"), fetchOptions);
    assert.equal(updated.commit, c4);
    assert.equal(version(updated.checkoutPath), "4");
    assert.equal(version(first.checkoutPath), "3", "an older checkout is never changed");
  });

  test("offline with nothing cached fails naming the URL", async () => {
    const { repo, c1 } = sharedUpstream();
    const { recorder, options: fetchOptions } = options("offline", { offline: true });
    for (const reference of ["main", c1, c1.slice(0, 7), undefined]) {
      await assert.rejects(
        fetchGitSource(repo.url(reference), fetchOptions),
        rejectsWith("offline-not-cached", (chain) => assert.match(chain, /--offline/)),
      );
    }
    assert.deepEqual(fetches(recorder.calls()), []);
  });

  test("an unknown reference is a clear error", async () => {
    const { repo } = sharedUpstream();
    const { options: fetchOptions } = options("unknown");
    const unknown: [string, RegExp][] = [
      ["no-such-branch", /branch or tag `no-such-branch` was not found/],
      ["deadbeef00", /branch, tag or commit `deadbeef00` was not found/],
      ["d".repeat(40), /commit `d{40}` was not found/],
      ["refs/pull/1/head", /ref `refs\/pull\/1\/head` was not found/],
    ];
    for (const [reference, message] of unknown) {
      await assert.rejects(
        fetchGitSource(repo.url(reference), fetchOptions),
        rejectsWith("git-reference-not-found", (chain) => assert.match(chain, message)),
      );
    }
  });

  test("a server that refuses commits by id falls back to fetching every branch and tag", async () => {
    const { repo, c1 } = upstream("protocol-v0");
    const { recorder, options: fetchOptions } = options("protocol-v0");
    // Protocol v0 only serves advertised tips; c1 is none (a tag points at it, but by name).
    const env = {
      ...fetchOptions.env,
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: "protocol.version",
      GIT_CONFIG_VALUE_0: "0",
    };
    repo.git("tag", "--delete", "v1");
    const source = await fetchGitSource(repo.url(c1), { ...fetchOptions, env });
    assert.equal(source.commit, c1);
    const [byId, everything] = fetches(recorder.calls());
    assert.match(byId ?? "", new RegExp(`\\+${c1}:refs/commit/${c1}`));
    assert.match(everything ?? "", /refs\/heads\/\*/);
  });

  test("concurrent fetches of one repository share one bare repository and checkout", async () => {
    const { repo, c3, f1 } = sharedUpstream();
    const { recorder, options: fetchOptions } = options("concurrent");
    const references = ["main", "feature", "main", c3, "feature", c3.slice(0, 7)];
    const sources = await Promise.all(
      references.map((reference) => fetchGitSource(repo.url(reference), fetchOptions)),
    );
    assert.deepEqual(
      sources.map((source) => source.commit),
      [c3, f1, c3, c3, f1, c3],
    );
    const checkouts = readdirSync(join(fetchOptions.cache.root, "git-v0", "checkouts"));
    assert.equal(checkouts.length, 1);
    const commits = readdirSync(
      join(fetchOptions.cache.root, "git-v0", "checkouts", checkouts[0]!),
    );
    assert.deepEqual(commits.sort(), [c3, f1].sort());
    assert.equal(recorder.calls().filter((line) => line.startsWith("clone ")).length, 2);
  });

  test("processes sharing a cache fetch one repository in turn", async () => {
    const { repo, c3 } = sharedUpstream();
    const { options: fetchOptions } = options("processes");
    const script = `
      const { Cache } = await import(${JSON.stringify(new URL("../../src/cache/index.ts", import.meta.url).href)});
      const { fetchGitSource } = await import(${JSON.stringify(new URL("../../src/git/index.ts", import.meta.url).href)});
      const source = await fetchGitSource(process.argv[1], { cache: Cache.at(process.argv[2]) });
      process.stdout.write(source.commit);
    `;
    const runs = [0, 1, 2].map(
      () =>
        new Promise<string>((resolve, reject) => {
          execFile(
            process.execPath,
            [
              "--import",
              "tsx",
              "--input-type=module",
              "-e",
              script,
              repo.url("main"),
              fetchOptions.cache.root,
            ],
            { env: fetchOptions.env },
            (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(stdout)),
          );
        }),
    );
    assert.deepEqual(await Promise.all(runs), [c3, c3, c3]);
    const [digest] = readdirSync(join(fetchOptions.cache.root, "git-v0", "checkouts"));
    const entries = readdirSync(join(fetchOptions.cache.root, "git-v0", "checkouts", digest!));
    assert.deepEqual(entries, [c3], "one checkout, no temp directory left behind");
  });

  test("credentials are used but never shown", async () => {
    const { options: fetchOptions } = options("credentials");
    await assert.rejects(
      fetchGitSource("git+http://user:secret@127.0.0.1:1/repo.git@main", fetchOptions),
      rejectsWith("git-fetch-failed", (chain) => {
        assert.ok(!chain.includes("secret"), chain);
        assert.match(chain, /http:\/\/user:\*\*\*\*@127\.0\.0\.1:1\/repo\.git/);
        assert.match(chain, /git fetch/);
      }),
    );
  });

  test("a repository asking for a password fails at once instead of prompting", async (t) => {
    const server = createServer((_request, response) => {
      response.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    t.after(() => server.close());
    const { port } = server.address() as AddressInfo;
    const askpassCalled = join(root, "askpass-called");
    const askpass = join(root, "askpass.sh");
    writeFileSync(askpass, `#!/bin/sh\ntouch '${askpassCalled}'\necho secret\n`);
    chmodSync(askpass, 0o755);
    const { options: fetchOptions } = options("prompt");
    await assert.rejects(
      fetchGitSource(`git+http://127.0.0.1:${port}/repo.git@main`, {
        ...fetchOptions,
        env: { ...fetchOptions.env, GIT_ASKPASS: askpass },
      }),
      rejectsWith("git-fetch-failed", (chain) => assert.match(chain, /credentials/)),
    );
    assert.ok(!existsSync(askpassCalled), "GIT_ASKPASS must not run");
  });

  test("a missing git says so, with a hint", async () => {
    const { repo } = sharedUpstream();
    const { options: fetchOptions } = options("no-git");
    await assert.rejects(
      fetchGitSource(repo.url("main"), { ...fetchOptions, env: { PATH: join(root, "empty") } }),
      rejectsWith("git-not-found", (chain) => assert.match(chain, /Install git/)),
    );
  });
});
