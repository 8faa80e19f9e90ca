import { PuffinError, redactCredentials } from "../support/index.ts";

/**
 * How the versions of a package are gathered from several indexes (uv's `--index-strategy`):
 *
 * - `first-index` (the default): only the first index that has the project (in the order of
 *   `IndexLocations.indexes()`) provides it; later indexes are never asked about it. This
 *   protects against dependency confusion: a private index's package cannot be shadowed by a
 *   public one of the same name.
 * - `unsafe-first-match`: every index is asked; the versions of the first index are exhausted
 *   before those of the next are tried. A version listed by several indexes is taken from the
 *   first of them only (its files on later indexes are never considered, even when they would
 *   be usable where the first index's are not).
 * - `unsafe-best-match`: every index is asked and every version of every index competes; the
 *   best version wins (as in pip). A version listed by several indexes is taken from the first.
 *
 * https://docs.astral.sh/uv/concepts/indexes/#searching-across-multiple-indexes
 */
export type IndexStrategy = "first-index" | "unsafe-first-match" | "unsafe-best-match";

/** The strategies, as `--index-strategy` takes them. */
export const INDEX_STRATEGIES: readonly IndexStrategy[] = [
  "first-index",
  "unsafe-first-match",
  "unsafe-best-match",
];

/** Whether `text` names a strategy. */
export function isIndexStrategy(text: string): text is IndexStrategy {
  return (INDEX_STRATEGIES as readonly string[]).includes(text);
}

/** A strategy from `source` (`PUFFIN_INDEX_STRATEGY`…), or `invalid-index-strategy`. */
export function parseIndexStrategy(text: string, source: string): IndexStrategy {
  const trimmed = text.trim();
  if (isIndexStrategy(trimmed)) return trimmed;
  throw new PuffinError(
    "invalid-index-strategy",
    `Invalid ${source} \`${trimmed}\`: expected one of ${INDEX_STRATEGIES.join(", ")}`,
  );
}

/** An `--index` value: `URL`, or `NAME=URL` (uv's spelling). */
export interface IndexSource {
  /** The name, when one was given: ASCII letters, digits, `-`, `_` and `.`. */
  readonly name: string | undefined;
  /** The URL or path, as given. */
  readonly url: string;
}

const INDEX_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * Parses an `--index` value as uv does: text before the first `=` is a name when it holds no
 * `:` (so `https://host/simple?a=b` and `C:\index` stay URLs), and a name must be non-empty and
 * made only of ASCII letters, digits, `-`, `_` and `.`. The URL itself is checked later, with
 * the other index URLs (`IndexUrl.parse`). Throws `invalid-index-name`.
 */
export function parseIndexSource(text: string): IndexSource {
  const equals = text.indexOf("=");
  if (equals >= 0) {
    const name = text.slice(0, equals);
    if (!name.includes(":")) {
      const url = text.slice(equals + 1);
      if (name.trim() === "") {
        throw new PuffinError(
          "invalid-index-name",
          `Invalid index \`${redactCredentials(text)}\`: the index has a name, but the name is empty`,
          { hint: "Write `--index NAME=URL`, or the URL alone" },
        );
      }
      if (!INDEX_NAME.test(name)) {
        const bad = [...name].find((c) => !/[A-Za-z0-9._-]/.test(c)) ?? "";
        throw new PuffinError(
          "invalid-index-name",
          `Invalid index name \`${name}\`: ${JSON.stringify(bad)} is not allowed (index names use ASCII letters, digits, \`-\`, \`_\` and \`.\`)`,
        );
      }
      if (url.trim() === "") {
        throw new PuffinError("invalid-index-url", `Invalid index \`${name}=\`: the URL is empty`);
      }
      return { name, url };
    }
  }
  if (text.trim() === "") {
    throw new PuffinError("invalid-index-url", "Invalid index: the URL is empty");
  }
  return { name: undefined, url: text };
}
