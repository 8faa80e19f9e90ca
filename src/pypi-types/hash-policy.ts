import type { Hash } from "node:crypto";
import { PuffinError } from "../support/index.ts";
import type { FileHashes } from "./simple-file.ts";

/**
 * The one hash policy: what the bytes of a file must hash to before anything is read, built or
 * unzipped from it — wheels, sdists and PEP 658 metadata files alike — and the one place that
 * compares digests. https://pip.pypa.io/en/stable/topics/secure-installs/#hash-checking-mode
 *
 * Two kinds of expectation, as pip and uv have them:
 * - `stated`: digests the file's source states for it — an index listing (a PEP 503 `#sha256=`
 *   fragment, PEP 691 `hashes`), the fragment of a direct URL (`pkg @ https://…/pkg.whl#sha256=…`),
 *   a PEP 658 `data-core-metadata` value. *Every* one Puffin can compute must match: a listing
 *   that says `md5` and `sha256` is wrong if either is.
 * - `allowed`: the user's `--hash` values. *One* of them must match (several digests allow one
 *   file per platform, or an sdist and its wheels).
 *
 * Algorithms are `hashlib` names, lowercase (`sha256`, `sha3_256`, `blake2b`); digests are hex,
 * compared case-insensitively.
 */

/** Hex digests by `hashlib` algorithm name. */
export type Digests = Readonly<Record<string, string>>;

/** `--hash` values: algorithm → the hex digests accepted (any one of them). */
export type AllowedHashes = ReadonlyMap<string, readonly string[]>;

/** `hashlib` names whose Node.js name differs; the others are the same in both. */
const NODE_NAMES: ReadonlyMap<string, string> = new Map([
  ["sha3_224", "sha3-224"],
  ["sha3_256", "sha3-256"],
  ["sha3_384", "sha3-384"],
  ["sha3_512", "sha3-512"],
  // `hashlib.blake2b()` / `blake2s()` with their default digest sizes.
  ["blake2b", "blake2b512"],
  ["blake2s", "blake2s256"],
]);
const SAME_NAMES = new Set(["md5", "sha1", "sha224", "sha256", "sha384", "sha512"]);

/** Node's name for a `hashlib` algorithm, or `undefined` when Puffin cannot compute it. */
export function nodeHashName(algorithm: string): string | undefined {
  const lower = algorithm.toLowerCase();
  return SAME_NAMES.has(lower) ? lower : NODE_NAMES.get(lower);
}

/** Whether Puffin can compute `algorithm` (a `hashlib` name). */
export function isComputableHash(algorithm: string): boolean {
  return nodeHashName(algorithm) !== undefined;
}

/** The outcome of comparing what is known of a file with a policy. */
export type HashVerdict =
  | { readonly kind: "ok" }
  /** Not enough is known: the file must be hashed with `HashPolicy.algorithms()`. */
  | { readonly kind: "unknown" }
  | {
      readonly kind: "mismatch";
      /** Which expectation failed. */
      readonly of: "stated" | "allowed";
      readonly expected: readonly string[];
      /** `algorithm:digest` the file has. */
      readonly actual: string;
    };

export interface HashPolicyInit {
  readonly stated?: FileHashes | Digests | undefined;
  readonly allowed?: AllowedHashes | undefined;
  /** Who states `stated` (`the index`, `the URL's fragment`), for messages; default `its source`. */
  readonly statedBy?: string | undefined;
  /**
   * `stated` comes from the user's own requirement (a direct URL's fragment), so it counts as
   * their hash in `--require-hashes` mode, as in pip. An index listing does not.
   */
  readonly userStated?: boolean | undefined;
}

export class HashPolicy {
  /** Digests stated by the file's source, lowercase, every algorithm as given. */
  readonly stated: Digests;
  readonly allowed: AllowedHashes | undefined;
  readonly statedBy: string;
  readonly userStated: boolean;

  private constructor(init: {
    stated: Digests;
    allowed: AllowedHashes | undefined;
    statedBy: string;
    userStated: boolean;
  }) {
    this.stated = init.stated;
    this.allowed = init.allowed;
    this.statedBy = init.statedBy;
    this.userStated = init.userStated;
  }

  /** No expectation at all: any bytes pass. */
  static readonly NONE = new HashPolicy({
    stated: {},
    allowed: undefined,
    statedBy: "its source",
    userStated: false,
  });

  static of(init: HashPolicyInit): HashPolicy {
    const stated: Record<string, string> = {};
    for (const [algorithm, digest] of Object.entries(init.stated ?? {})) {
      if (digest !== undefined && digest !== "") {
        stated[algorithm.toLowerCase()] = digest.toLowerCase();
      }
    }
    let allowed: Map<string, string[]> | undefined;
    for (const [algorithm, digests] of init.allowed ?? []) {
      allowed ??= new Map();
      const key = algorithm.toLowerCase();
      allowed.set(key, [...(allowed.get(key) ?? []), ...digests.map((d) => d.toLowerCase())]);
    }
    if (Object.keys(stated).length === 0 && allowed === undefined) return HashPolicy.NONE;
    return new HashPolicy({
      stated,
      allowed,
      statedBy: init.statedBy ?? "its source",
      userStated: init.userStated === true && Object.keys(stated).length > 0,
    });
  }

  /** This policy with the user's `--hash` values added (`undefined` adds nothing). */
  withAllowed(allowed: AllowedHashes | undefined): HashPolicy {
    if (allowed === undefined || allowed.size === 0) return this;
    const merged = new Map(this.allowed ?? []);
    for (const [algorithm, digests] of allowed) {
      merged.set(algorithm, [...(merged.get(algorithm) ?? []), ...digests]);
    }
    return HashPolicy.of({ ...this, allowed: merged });
  }

  /** Whether anything is expected. */
  get isEmpty(): boolean {
    return this === HashPolicy.NONE;
  }

  /**
   * Whether the user's requirement has a hash in `--require-hashes` mode: a `--hash`, or a
   * direct URL's fragment (pip counts those). An index listing does not count: the user has
   * not vouched for it.
   */
  get hasUserHash(): boolean {
    return this.allowed !== undefined || this.userStated;
  }

  /**
   * The algorithms to compute while reading the file so that `verify` can decide: every
   * computable stated one, the computable allowed ones, and `extra` (the cache keys archives by
   * SHA-256). Throws `hash-unsupported` when a policy that expects something cannot be checked
   * at all.
   */
  algorithms(what: string, extra: readonly string[] = ["sha256"]): string[] {
    const wanted = new Set(extra);
    for (const algorithm of Object.keys(this.stated)) {
      if (isComputableHash(algorithm)) wanted.add(algorithm);
    }
    const statedComputable = [...Object.keys(this.stated)].some(isComputableHash);
    if (Object.keys(this.stated).length > 0 && !statedComputable) {
      throw unsupported(what, Object.keys(this.stated), this.statedBy);
    }
    if (this.allowed !== undefined) {
      const computable = [...this.allowed.keys()].filter(isComputableHash);
      if (computable.length === 0) throw unsupported(what, [...this.allowed.keys()], "`--hash`");
      for (const algorithm of computable) wanted.add(algorithm);
    }
    return [...wanted];
  }

  /**
   * Compares what is known of the file (its computed digests, or digests recorded earlier) with
   * the policy, without reading anything: `unknown` when an expectation cannot be decided yet.
   */
  check(known: Digests): HashVerdict {
    for (const [algorithm, expected] of Object.entries(this.stated)) {
      const actual = known[algorithm]?.toLowerCase();
      if (actual === undefined) {
        if (isComputableHash(algorithm)) return { kind: "unknown" };
        continue;
      }
      if (actual !== expected) {
        return {
          kind: "mismatch",
          of: "stated",
          expected: [`${algorithm}:${expected}`],
          actual: `${algorithm}:${actual}`,
        };
      }
    }
    if (this.allowed === undefined) return { kind: "ok" };
    let compared: string | undefined;
    for (const [algorithm, digests] of this.allowed) {
      const actual = known[algorithm]?.toLowerCase();
      if (actual === undefined) continue;
      if (digests.includes(actual)) return { kind: "ok" };
      compared ??= `${algorithm}:${actual}`;
    }
    if (compared === undefined) return { kind: "unknown" };
    const expected = [...this.allowed].flatMap(([algorithm, digests]) =>
      digests.map((digest) => `${algorithm}:${digest}`),
    );
    return { kind: "mismatch", of: "allowed", expected, actual: compared };
  }

  /**
   * Throws `hash-mismatch` unless `computed` (digests of the file's bytes, with at least
   * `algorithms()`) satisfies the policy. `what` names the file (a redacted URL or a path) and,
   * where it helps, the package: `` `pkg==1.0` (https://…/pkg-1.0.tar.gz) ``.
   */
  verify(computed: Digests, what: string): void {
    const verdict = this.check(computed);
    if (verdict.kind === "ok") return;
    if (verdict.kind === "unknown") {
      throw unsupported(what, [...(this.allowed?.keys() ?? [])], "`--hash`");
    }
    throw this.mismatchError(verdict, what);
  }

  /**
   * Verifies the file with the digests already known when they decide (an index listing, a
   * digest computed while downloading, one recorded in the cache), else by hashing the file at
   * `path()` with `algorithms()`. Throws `hash-mismatch` (or `hash-unsupported`).
   */
  async verifyFile(known: Digests, path: () => Promise<string>, what: string): Promise<void> {
    const verdict = this.check(known);
    if (verdict.kind === "ok") return;
    if (verdict.kind === "mismatch") throw this.mismatchError(verdict, what);
    this.verify(await fileDigests(await path(), this.algorithms(what, [])), what);
  }

  /** The `hash-mismatch` error for a verdict of `check`. */
  mismatchError(verdict: Extract<HashVerdict, { kind: "mismatch" }>, what: string): PuffinError {
    return new PuffinError(
      "hash-mismatch",
      `Hash mismatch for ${what}: expected ${verdict.expected.join(", ")}, computed ${verdict.actual}`,
      {
        hint:
          verdict.of === "stated"
            ? `The expected digest is the one ${this.statedBy} states; the file is not that one: it was changed, or corrupted on the way`
            : "The expected digests are the requirement's `--hash` values; the file is not one of them (a source distribution's `--hash` is the hash of the archive, not of a wheel built from it)",
      },
    );
  }
}

function unsupported(what: string, algorithms: readonly string[], by: string): PuffinError {
  return new PuffinError(
    "hash-unsupported",
    `Cannot check ${what}: ${by} gives only ${algorithms.join(", ")}, which Puffin cannot compute`,
    { hint: "Use sha256, sha384 or sha512" },
  );
}

/**
 * Hashes bytes as they stream by, with several algorithms at once. `reset()` starts over (a
 * download that restarts from its first byte).
 */
export class StreamHasher {
  readonly #algorithms: readonly string[];
  #hashes: Map<string, Hash>;

  constructor(algorithms: readonly string[]) {
    this.#algorithms = [...new Set(algorithms.map((a) => a.toLowerCase()))];
    this.#hashes = this.#create();
  }

  update(chunk: Uint8Array): void {
    for (const hash of this.#hashes.values()) hash.update(chunk);
  }

  reset(): void {
    this.#hashes = this.#create();
  }

  /** The hex digests by `hashlib` name; the hasher cannot be used afterwards. */
  digests(): Record<string, string> {
    const digests: Record<string, string> = {};
    for (const [algorithm, hash] of this.#hashes) digests[algorithm] = hash.digest("hex");
    return digests;
  }

  #create(): Map<string, Hash> {
    // node:crypto on first use, not at load (see support/node-crypto.ts).
    const { createHash } = process.getBuiltinModule("node:crypto");
    const hashes = new Map<string, Hash>();
    for (const algorithm of this.#algorithms) {
      const node = nodeHashName(algorithm);
      if (node !== undefined) hashes.set(algorithm, createHash(node));
    }
    return hashes;
  }
}

/** The digests of `bytes` (a whole small file: a metadata file, a page). */
export function digestsOf(
  bytes: Uint8Array,
  algorithms: readonly string[],
): Record<string, string> {
  const hasher = new StreamHasher(algorithms);
  hasher.update(bytes);
  return hasher.digests();
}

/** The digests of the file at `path`, in one read (`hashlib` names, like every digest here). */
export async function fileDigests(
  path: string,
  algorithms: readonly string[],
): Promise<Record<string, string>> {
  const { createReadStream } = await import("node:fs");
  const hasher = new StreamHasher(algorithms);
  for await (const chunk of createReadStream(path) as AsyncIterable<Uint8Array>) {
    hasher.update(chunk);
  }
  return hasher.digests();
}

/**
 * `--hash=algorithm:digest` values (already validated by the requirements parser) as
 * `AllowedHashes`; `undefined` when there are none.
 */
export function parseHashOptions(values: readonly string[]): AllowedHashes | undefined {
  if (values.length === 0) return undefined;
  const allowed = new Map<string, string[]>();
  for (const value of values) {
    const colon = value.indexOf(":");
    const algorithm = value.slice(0, colon).toLowerCase();
    allowed.set(algorithm, [
      ...(allowed.get(algorithm) ?? []),
      value.slice(colon + 1).toLowerCase(),
    ]);
  }
  return allowed;
}
