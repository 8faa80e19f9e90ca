import {
  type DirectSource,
  type Dist,
  describeOrigin,
  isRegistryDist,
  shownUrl,
  statedHashes,
} from "../distribution-types/index.ts";
import type { PackageName } from "../normalize/index.ts";
import { type AllowedHashes, HashPolicy } from "../pypi-types/index.ts";
import { PuffinError } from "../support/index.ts";

/**
 * The hash rules of one command: the requirements' `--hash` values by package, and whether
 * every distribution must carry one (`--require-hashes`, or any `--hash` given, as in pip).
 * Combined with what a distribution's source states, it is the `HashPolicy` its file is
 * checked with — by the database, for wheels and source archives alike.
 * https://pip.pypa.io/en/stable/topics/secure-installs/#hash-checking-mode
 */
export class HashStrategy {
  static readonly NONE = new HashStrategy(new Map(), false);

  constructor(
    readonly allowed: ReadonlyMap<PackageName, AllowedHashes>,
    /** Hash-checking mode: a distribution without a hash of the user's is an error. */
    readonly required: boolean,
  ) {}

  /**
   * The policy for a distribution's file: the digests its source states (an index listing, a
   * URL's fragment), and the package's `--hash` values. With `enforce`, in hash-checking mode a
   * directory or a git repository (nothing to hash) is `hash-unverifiable`, and a distribution
   * with neither a `--hash` nor a fragment of the user's is `missing-hash` (reading the metadata
   * of a candidate the resolver only considers does not enforce).
   */
  policyFor(dist: Dist, options: { readonly enforce: boolean }): HashPolicy {
    const registry = isRegistryDist(dist);
    const policy = HashPolicy.of({
      stated: statedHashes(dist),
      statedBy: registry ? describeOrigin(dist.file.origin) : "the URL's fragment",
      userStated: !registry,
      allowed: this.allowed.get(dist.name),
    });
    if (this.required && options.enforce) {
      assertHashable(dist);
      if (!policy.hasUserHash) throw missingHash(dist);
    }
    return policy;
  }
}

/**
 * Hash-checking mode cannot check a directory or a git checkout: there is no archive to hash.
 * pip refuses them, and so does Puffin, rather than install something unchecked.
 */
export function assertHashable(source: Dist | DirectSource): void {
  if (source.kind !== "directory" && source.kind !== "git") return;
  const what = source.kind === "git" ? "a git repository" : "a local directory";
  throw new PuffinError(
    "hash-unverifiable",
    `${source.url.redacted()} is ${what}, whose hash cannot be checked in --require-hashes mode`,
    {
      hint: "Require an sdist or a wheel of it by hash instead, or install it without hash checking",
    },
  );
}

function missingHash(dist: Dist): PuffinError {
  const url = shownUrl(dist);
  return new PuffinError(
    "missing-hash",
    url === undefined
      ? `In --require-hashes mode, every package must be listed with a hash, but \`${dist.name}\` has none`
      : `In --require-hashes mode, every requirement must have a hash, but \`${dist.name} @ ${url}\` has none`,
    {
      hint:
        url === undefined
          ? "List every package with `==` and `--hash` (`puffin pip compile --generate-hashes` writes such a file), or pass --no-deps"
          : "Add `--hash=sha256:…` (the hash of the archive) to its line, or a `#sha256=…` fragment to the URL",
    },
  );
}
