import type { VcsDirectUrl } from "../pypi-types/index.ts";
import { PuffinError, redactCredentials } from "../support/index.ts";

/**
 * A git requirement URL as pip and uv take it (https://pip.pypa.io/en/stable/topics/vcs-support/):
 *
 *     git+https://host/org/repo.git@REF#subdirectory=sub&egg=name
 *     git+ssh://git@host/org/repo.git@v1.0
 *     git+file:///srv/repo@0123abc
 *
 * - `repository` is the URL git fetches: without `git+`, `@REF` and the fragment, credentials
 *   kept (git needs them; every message redacts them);
 * - `reference` is the text after the last `@` of the *path* (never the `user@` of the
 *   authority), percent-decoded as uv does; a branch, tag, short or full commit, or `refs/…`;
 * - `subdirectory` comes from the fragment; `egg=` and other fragment keys are ignored.
 */
export class GitUrl {
  private constructor(
    readonly repository: string,
    readonly reference: string | undefined,
    readonly subdirectory: string | undefined,
  ) {}

  /** Throws a `PuffinError` with code `invalid-git-url` naming what is wrong. */
  static parse(url: string): GitUrl {
    if (!url.startsWith("git+")) {
      fail(url, "a git URL starts with `git+` (`git+https://…`, `git+ssh://…`, `git+file://…`)");
    }
    const hash = url.indexOf("#");
    const withoutFragment = hash < 0 ? url.slice(4) : url.slice(4, hash);
    const subdirectory = hash < 0 ? undefined : fragmentSubdirectory(url, url.slice(hash + 1));

    const schemeEnd = withoutFragment.indexOf("://");
    const scheme = schemeEnd < 0 ? "" : withoutFragment.slice(0, schemeEnd).toLowerCase();
    if (!SCHEMES.has(scheme)) {
      fail(
        url,
        schemeEnd < 0
          ? "it needs a scheme after `git+` (`git+https://`, `git+ssh://`, `git+file://`)"
          : `unsupported scheme \`git+${scheme}\` (expected one of ${[...SCHEMES].map((s) => `git+${s}`).join(", ")})`,
      );
    }
    const authorityStart = schemeEnd + 3;
    const pathStart = firstOf(withoutFragment, "/?", authorityStart);
    const queryStart = firstOf(withoutFragment, "?", pathStart);
    const path = withoutFragment.slice(pathStart, queryStart);
    const at = path.lastIndexOf("@");
    let reference: string | undefined;
    let repositoryPath = path;
    if (at >= 0) {
      repositoryPath = path.slice(0, at);
      reference = decodeReference(url, path.slice(at + 1));
    }
    const repository =
      withoutFragment.slice(0, pathStart) + repositoryPath + withoutFragment.slice(queryStart);
    if (!URL.canParse(repository)) {
      const scpLike = scheme === "ssh" && /^ssh:\/\/[^/]*:[^0-9/]/.test(repository);
      throw new PuffinError(
        "invalid-git-url",
        `Not a valid git URL: \`${redactCredentials(url)}\``,
        {
          hint: scpLike
            ? "An SSH URL takes a `/` between host and path (`git+ssh://git@github.com/org/repo.git`), not the `:` of scp-style addresses"
            : undefined,
        },
      );
    }
    if (repositoryPath === "" || repositoryPath === "/") fail(url, "it names no repository path");
    return new GitUrl(repository, reference, subdirectory);
  }

  /** The same repository and subdirectory at another reference (a resolved commit, usually). */
  withReference(reference: string | undefined): GitUrl {
    return new GitUrl(this.repository, reference, this.subdirectory);
  }

  /** What kind of reference this URL names, which decides how it is fetched and resolved. */
  referenceKind(): GitReference {
    return classifyReference(this.reference);
  }

  /**
   * The `direct_url.json` of a distribution installed from this URL at `commit` (PEP 610):
   * `url` is the repository without `git+`, `requested_revision` the reference as asked.
   */
  directUrl(commit: string): VcsDirectUrl {
    return {
      kind: "vcs",
      url: this.repository,
      subdirectory: this.subdirectory,
      vcs: "git",
      commitId: commit,
      requestedRevision: this.reference,
    };
  }

  /** `git+<repository>[@<reference>][#subdirectory=<sub>]`, credentials included. */
  toString(): string {
    const reference = this.reference === undefined ? "" : `@${encodeReference(this.reference)}`;
    const fragment =
      this.subdirectory === undefined ? "" : `#subdirectory=${encodeURI(this.subdirectory)}`;
    return `git+${this.repository}${reference}${fragment}`;
  }

  /** `toString()` with credentials masked, for messages and logs. */
  redacted(): string {
    return redactCredentials(this.toString());
  }
}

/**
 * How a reference is fetched and resolved (the classification uv inherited from Cargo):
 * - `default-branch`: no `@REF`; the remote's `HEAD`;
 * - `named-ref`: `refs/…` (`refs/pull/42/head`), fetched exactly;
 * - `full-commit`: 40 (SHA-1) or 64 (SHA-256) hex digits, lowercased;
 * - `branch-tag-or-commit`: 7 or more hex digits: a short commit, unless a branch or a tag has
 *   that name;
 * - `branch-or-tag`: anything else.
 */
export type GitReference =
  | { kind: "default-branch" }
  | { kind: "named-ref"; name: string }
  | { kind: "full-commit"; commit: string }
  | { kind: "branch-tag-or-commit"; name: string }
  | { kind: "branch-or-tag"; name: string };

export function classifyReference(reference: string | undefined): GitReference {
  if (reference === undefined) return { kind: "default-branch" };
  if (reference.startsWith("refs/")) return { kind: "named-ref", name: reference };
  if (/^[0-9a-fA-F]+$/.test(reference)) {
    if (reference.length === 40 || reference.length === 64) {
      return { kind: "full-commit", commit: reference.toLowerCase() };
    }
    if (reference.length >= 7) return { kind: "branch-tag-or-commit", name: reference };
  }
  return { kind: "branch-or-tag", name: reference };
}

const SCHEMES = new Set(["https", "http", "ssh", "file", "git"]);

function firstOf(text: string, characters: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (characters.includes(text[i]!)) return i;
  }
  return text.length;
}

/**
 * A reference must be something git reads as a revision and never as an option or a range: the
 * rules of `git check-ref-format` that matter here (no leading `-`, no whitespace or control
 * characters, none of `~^:?*[\`, no `..` or `@{`, no trailing `/` or `.lock`).
 */
function decodeReference(url: string, raw: string): string {
  let reference: string;
  try {
    reference = decodeURIComponent(raw);
  } catch {
    fail(url, `the reference \`${raw}\` has an invalid percent-encoding`);
  }
  if (reference === "") fail(url, "the `@` after the repository path is followed by no reference");
  if (
    reference.startsWith("-") ||
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects.
    /[\u0000-\u0020\u007f~^:?*[\\]/.test(reference) ||
    reference.includes("..") ||
    reference.includes("@{") ||
    reference.endsWith("/") ||
    reference.endsWith(".lock")
  ) {
    fail(url, `\`${reference}\` is not a valid git reference`);
  }
  return reference;
}

function encodeReference(reference: string): string {
  return reference.replace(/[%@#?]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The `subdirectory` of a fragment such as `egg=name&subdirectory=src/pkg`, checked. */
function fragmentSubdirectory(url: string, fragment: string): string | undefined {
  let subdirectory: string | undefined;
  for (const pair of fragment.split("&")) {
    const equals = pair.indexOf("=");
    if (equals < 0 || pair.slice(0, equals) !== "subdirectory") continue;
    try {
      subdirectory = decodeURIComponent(pair.slice(equals + 1));
    } catch {
      fail(url, "the subdirectory has an invalid percent-encoding");
    }
  }
  if (subdirectory === undefined) return undefined;
  const parts = subdirectory.split("/").filter((part) => part !== "" && part !== ".");
  if (subdirectory.startsWith("/") || parts.includes("..") || subdirectory.includes("\\")) {
    fail(url, `the subdirectory \`${subdirectory}\` must be a relative path inside the repository`);
  }
  return parts.length === 0 ? undefined : parts.join("/");
}

function fail(url: string, reason: string): never {
  throw new PuffinError(
    "invalid-git-url",
    `Invalid git URL \`${redactCredentials(url)}\`: ${reason}`,
  );
}
