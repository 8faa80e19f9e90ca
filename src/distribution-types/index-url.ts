import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { canonicalCacheUrl } from "../cache/index.ts";
import type { PackageName } from "../normalize/index.ts";
import { PuffinError, redactCredentials } from "../support/index.ts";
import type { IndexStrategy } from "./index-strategy.ts";

/** The index used when none is given: PyPI's simple API. */
export const DEFAULT_INDEX_URL = "https://pypi.org/simple";

const URL_WITH_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//;

/**
 * A simple-repository index (PEP 503/691): `https://`, `http://`, or a `file://` tree laid out
 * like one (`<root>/<normalized name>/index.html`, or a directory of files per project). A local
 * path is taken as the `file://` URL of its absolute form, as uv does.
 */
export class IndexUrl {
  /** The URL as given (credentials included: they authenticate requests). */
  readonly url: string;
  /** For messages and logs. */
  readonly redacted: string;

  private constructor(url: string) {
    this.url = url;
    this.redacted = redactCredentials(url);
  }

  /** Parses a URL or a path (relative paths are taken from `cwd`). */
  static parse(text: string, cwd: string = process.cwd()): IndexUrl {
    const trimmed = text.trim();
    if (!URL_WITH_SCHEME.test(trimmed))
      return new IndexUrl(pathToFileURL(resolve(cwd, trimmed)).href);
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch (error) {
      throw new PuffinError(
        "invalid-index-url",
        `Invalid index URL: ${redactCredentials(trimmed)}`,
        {
          cause: error,
        },
      );
    }
    if (!["http:", "https:", "file:"].includes(parsed.protocol)) {
      throw new PuffinError(
        "invalid-index-url",
        `Unsupported index URL scheme \`${parsed.protocol.slice(0, -1)}\` in ${redactCredentials(trimmed)}`,
        { hint: "Index URLs use `https://`, `http://` or `file://`, or are local paths" },
      );
    }
    return new IndexUrl(parsed.href);
  }

  get isFile(): boolean {
    return this.url.startsWith("file:");
  }

  /** The local directory of a `file://` index. */
  get path(): string {
    return fileURLToPath(this.url);
  }

  /** The project page, `<index>/<normalized name>/` (PEP 503). */
  projectUrl(name: PackageName): string {
    const base = this.url.endsWith("/") ? this.url : `${this.url}/`;
    return new URL(`${encodeURIComponent(name)}/`, base).href;
  }

  /** Whether two index URLs are the same index (credentials and trailing slashes aside). */
  sameAs(other: IndexUrl): boolean {
    return canonicalCacheUrl(this.url) === canonicalCacheUrl(other.url);
  }

  toString(): string {
    return this.redacted;
  }
}

/**
 * A `--find-links` location: a local directory (or HTML file) of distributions, given as a path
 * or a `file://` URL, or a remote HTML page of links.
 */
export type FindLinksLocation =
  | { readonly kind: "path"; readonly path: string }
  | { readonly kind: "url"; readonly url: string; readonly redacted: string };

/** Parses a `--find-links` value (relative paths are taken from `cwd`). */
export function parseFindLinks(text: string, cwd: string = process.cwd()): FindLinksLocation {
  const trimmed = text.trim();
  if (!URL_WITH_SCHEME.test(trimmed)) return { kind: "path", path: resolve(cwd, trimmed) };
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch (error) {
    throw new PuffinError(
      "invalid-find-links",
      `Invalid find-links URL: ${redactCredentials(trimmed)}`,
      { cause: error },
    );
  }
  if (parsed.protocol === "file:") return { kind: "path", path: fileURLToPath(parsed) };
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new PuffinError(
      "invalid-find-links",
      `Unsupported find-links URL scheme \`${parsed.protocol.slice(0, -1)}\` in ${redactCredentials(trimmed)}`,
      { hint: "Find-links locations are local paths or `file://`, `https://`, `http://` URLs" },
    );
  }
  return { kind: "url", url: parsed.href, redacted: redactCredentials(parsed.href) };
}

/** How a find-links location is shown in messages. */
export function describeFindLinks(location: FindLinksLocation): string {
  return location.kind === "path" ? location.path : location.redacted;
}

/** The index options as given on the command line (absent = not given). */
export interface IndexArgs {
  /** `--index-url` / `-i`. */
  indexUrl?: string | undefined;
  /** `--extra-index-url`, repeatable. */
  extraIndexUrls?: readonly string[] | undefined;
  /** `--no-index`. */
  noIndex?: boolean | undefined;
  /** `--find-links` / `-f`, repeatable. */
  findLinks?: readonly string[] | undefined;
  /** `--index-strategy`; default `first-index`. */
  indexStrategy?: IndexStrategy | undefined;
}

export interface IndexLocationsSettings extends IndexArgs {
  /** The directory relative paths are taken from; the process's own when absent. */
  cwd?: string;
}

/**
 * Where packages come from: indexes, in the order they are consulted, and find-links locations.
 *
 * The order is uv's: every `--index` and `--extra-index-url` first, in the order given (the
 * CLI puts `--index` values before `--extra-index-url` ones), then the default index
 * (`--default-index` or `--index-url`, else their variables, else PyPI) last. With the default
 * *first-index* strategy (`RegistryClient.simple`, `IndexStrategy`) a package is taken from the
 * first index that has it, and later indexes are never asked about it: a private index named as
 * an extra index therefore shadows a public package of the same name instead of competing with
 * it (dependency confusion). The `unsafe-*` strategies ask every index, as pip does.
 * `--no-index` drops every index (find-links remain). Find-links files join the candidates
 * whichever index answered.
 * https://docs.astral.sh/uv/concepts/indexes/#searching-across-multiple-indexes
 */
export class IndexLocations {
  private constructor(
    /** The default index, or undefined with `--no-index`. */
    readonly indexUrl: IndexUrl | undefined,
    readonly extraIndexUrls: readonly IndexUrl[],
    readonly findLinks: readonly FindLinksLocation[],
    /** How the indexes' versions of one package are gathered (see `IndexStrategy`). */
    readonly strategy: IndexStrategy,
  ) {}

  /** Exactly these locations (no environment); `indexUrl: undefined` means no default index. */
  static of(options: {
    indexUrl: IndexUrl | undefined;
    extraIndexUrls?: readonly IndexUrl[];
    findLinks?: readonly FindLinksLocation[];
    strategy?: IndexStrategy;
  }): IndexLocations {
    return new IndexLocations(
      options.indexUrl,
      options.extraIndexUrls ?? [],
      options.findLinks ?? [],
      options.strategy ?? "first-index",
    );
  }

  /**
   * From the command's settings (flags and `PUFFIN_*` variables already merged by the CLI, the
   * one place that reads them): each URL or path parsed, relative paths taken from `cwd`; no
   * `indexUrl` means PyPI, and `noIndex` drops every index.
   */
  static fromSettings(settings: IndexLocationsSettings): IndexLocations {
    const cwd = settings.cwd ?? process.cwd();
    const findLinks = (settings.findLinks ?? []).map((text) => parseFindLinks(text, cwd));
    const strategy = settings.indexStrategy ?? "first-index";
    if (settings.noIndex === true) return new IndexLocations(undefined, [], findLinks, strategy);
    return new IndexLocations(
      IndexUrl.parse(settings.indexUrl ?? DEFAULT_INDEX_URL, cwd),
      (settings.extraIndexUrls ?? []).map((text) => IndexUrl.parse(text, cwd)),
      findLinks,
      strategy,
    );
  }

  /** The indexes in the order they are consulted (see the class doc), without repeats. */
  indexes(): IndexUrl[] {
    const ordered = [...this.extraIndexUrls];
    if (this.indexUrl !== undefined) ordered.push(this.indexUrl);
    const unique: IndexUrl[] = [];
    for (const index of ordered) {
      if (!unique.some((seen) => seen.sameAs(index))) unique.push(index);
    }
    return unique;
  }

  get noIndex(): boolean {
    return this.indexUrl === undefined && this.extraIndexUrls.length === 0;
  }
}
