import { getHashes } from "node:crypto";
import { hashFile, PuffinError } from "../support/index.ts";

/** `--hash` values of a requirement: algorithm → accepted hex digests (lowercase). */
export type AllowedHashes = ReadonlyMap<string, readonly string[]>;

const SUPPORTED = new Set(getHashes().map((name) => name.toLowerCase()));

/** The algorithms of `allowed` that Node.js can compute. */
export function allowedAlgorithms(allowed: AllowedHashes): string[] {
  return [...allowed.keys()].filter((algorithm) => SUPPORTED.has(algorithm));
}

/**
 * Whether the known digests of an archive satisfy the user's `--hash` values, as pip and uv
 * check them: `ok` when one digest of an algorithm in common matches, `unknown` when no
 * algorithm is in common (the file must be hashed first). A mismatch throws `hash-mismatch`,
 * naming the package (`label`, e.g. `pkg==1.0`), the file, what was expected and what it has.
 * https://pip.pypa.io/en/stable/topics/secure-installs/#hash-checking-mode
 */
export function checkArchiveHashes(
  known: Readonly<Record<string, string>>,
  allowed: AllowedHashes,
  what: { readonly label: string; readonly file: string },
): "ok" | "unknown" {
  let computed: string | undefined;
  for (const [algorithm, digests] of allowed) {
    const actual = known[algorithm]?.toLowerCase();
    if (actual === undefined) continue;
    if (digests.some((digest) => digest.toLowerCase() === actual)) return "ok";
    computed ??= `${algorithm}:${actual}`;
  }
  if (computed === undefined) return "unknown";
  const expected = [...allowed].flatMap(([algorithm, digests]) =>
    digests.map((digest) => `${algorithm}:${digest.toLowerCase()}`),
  );
  throw new PuffinError(
    "hash-mismatch",
    `Hash mismatch for \`${what.label}\` (${what.file}): expected ${expected.join(", ")}; computed ${computed}`,
    {
      hint: "A source distribution's `--hash` is the hash of the archive (.tar.gz / .zip) itself, not of a wheel built from it",
    },
  );
}

/**
 * Checks `allowed` against the digests already known, hashing `file()` with the allowed
 * algorithms only when no known digest can decide. Throws `hash-unsupported` when no allowed
 * algorithm is one Node.js computes.
 */
export async function verifyArchive(
  known: Readonly<Record<string, string>>,
  allowed: AllowedHashes,
  what: { readonly label: string; readonly file: string },
  file: () => Promise<string>,
): Promise<void> {
  if (checkArchiveHashes(known, allowed, what) === "ok") return;
  const algorithms = allowedAlgorithms(allowed);
  if (algorithms.length === 0) {
    throw new PuffinError(
      "hash-unsupported",
      `None of the hash algorithms given for \`${what.label}\` (${[...allowed.keys()].join(", ")}) is supported`,
      { hint: "Use `--hash=sha256:…`" },
    );
  }
  // Every allowed algorithm is computed now, so this decides (or throws a mismatch).
  checkArchiveHashes(await hashFile(await file(), algorithms), allowed, what);
}
