import { log, redactCredentials } from "../support/index.ts";
import { decodeHtmlEntities } from "./html-entities.ts";

/**
 * The links of an HTML page, as the simple repository API and `--find-links` pages use them:
 * every `<a href>` with its attributes and text, the page's `<base href>`, and its
 * `<meta name="pypi:repository-version">` (PEP 629).
 * https://packaging.python.org/en/latest/specifications/simple-repository-api/
 *
 * A hand-written single-pass tokenizer, not a DOM: index pages are large (thousands of anchors)
 * and only three elements matter. It follows the HTML5 tokenizer where pages differ: tag and
 * attribute names are case-insensitive, values may be double-quoted, single-quoted, unquoted or
 * absent (`data-yanked` alone means an empty value), the first of duplicate attributes wins,
 * comments, doctypes and processing instructions are skipped, and the contents of `<script>`,
 * `<style>`, `<title>` and `<textarea>` are never read as markup. An `<a>` ends at `</a>`, at the
 * next `<a>`, or at the end of the page.
 */
export interface HtmlLink {
  /**
   * `href` resolved against the page's base URL (the first `<base href>`, itself resolved against
   * the page URL, else the page URL). When the page URL is not known and the page names no
   * absolute base, the `href` as written (entities decoded).
   */
  readonly url: string;
  /** Every attribute, names lowercased, values with their character references decoded. */
  readonly attributes: ReadonlyMap<string, string>;
  /** The text inside the anchor, tags and comments removed, references decoded, trimmed. */
  readonly text: string;
}

export interface HtmlLinkPage {
  readonly links: readonly HtmlLink[];
  /** The URL relative links were resolved against, if any. */
  readonly baseUrl: string | undefined;
  /** The first `<meta name="pypi:repository-version" content>`, as written. */
  readonly repositoryVersion: string | undefined;
}

interface PendingLink {
  readonly href: string;
  readonly attributes: ReadonlyMap<string, string>;
  text: string;
}

interface Tag {
  /** Lowercased. */
  readonly name: string;
  /** Only collected for the elements this parser reads. */
  readonly attributes: Map<string, string> | undefined;
  /** Offset just past the tag's `>` (or the end of input). */
  readonly end: number;
}

const READ_ATTRIBUTES = new Set(["a", "base", "meta"]);
/** Elements whose content is text, not markup, until their end tag. */
const RAW_TEXT = new Map(
  ["script", "style", "title", "textarea"].map((name) => [
    name,
    new RegExp(`</${name}[\\s/>]`, "gi"),
  ]),
);

/** Parses the links of `html`; `pageUrl` is the URL the page was fetched from, if known. */
export function parseHtmlLinks(html: string, pageUrl?: string): HtmlLinkPage {
  const pending: PendingLink[] = [];
  let baseHref: string | undefined;
  let repositoryVersion: string | undefined;
  let anchor: PendingLink | undefined;
  const length = html.length;
  let i = 0;
  while (i < length) {
    const lt = html.indexOf("<", i);
    const textEnd = lt === -1 ? length : lt;
    if (anchor !== undefined && textEnd > i) anchor.text += html.slice(i, textEnd);
    if (lt === -1) break;
    const next = html.charCodeAt(lt + 1);
    if (next === 33 /* ! */ || next === 63 /* ? */) {
      // Comment, doctype, CDATA or processing instruction.
      const close = html.startsWith("<!--", lt) ? html.indexOf("-->", lt + 4) : -1;
      if (close !== -1) {
        i = close + 3;
      } else {
        const gt = html.indexOf(">", lt + 2);
        i = gt === -1 ? length : gt + 1;
      }
    } else if (next === 47 /* / */ && isAsciiAlpha(html.charCodeAt(lt + 2))) {
      const tag = readTag(html, lt + 2, false);
      if (tag.name === "a" && anchor !== undefined) {
        pending.push(anchor);
        anchor = undefined;
      }
      i = tag.end;
    } else if (isAsciiAlpha(next)) {
      const tag = readTag(html, lt + 1, true);
      i = tag.end;
      const attributes = tag.attributes;
      if (tag.name === "a") {
        if (anchor !== undefined) pending.push(anchor);
        const href = attributes?.get("href");
        anchor = href === undefined ? undefined : { href, attributes: attributes!, text: "" };
      } else if (tag.name === "base") {
        baseHref ??= attributes?.get("href");
      } else if (tag.name === "meta") {
        if (
          repositoryVersion === undefined &&
          attributes?.get("name") === "pypi:repository-version"
        ) {
          repositoryVersion = attributes.get("content");
        }
      } else {
        const rawTextEnd = RAW_TEXT.get(tag.name);
        if (rawTextEnd !== undefined) {
          rawTextEnd.lastIndex = i;
          const close = rawTextEnd.exec(html);
          i = close === null ? length : close.index;
        }
      }
    } else {
      // A `<` that starts no tag is text.
      if (anchor !== undefined) anchor.text += "<";
      i = lt + 1;
    }
  }
  if (anchor !== undefined) pending.push(anchor);

  const baseUrl = resolveBase(baseHref, pageUrl);
  const links: HtmlLink[] = [];
  for (const link of pending) {
    const url = baseUrl === undefined ? link.href : tryResolve(link.href, baseUrl);
    if (url === undefined) {
      log.debug(() => `Skipping link with an invalid URL: ${redactCredentials(link.href)}`);
      continue;
    }
    links.push({ url, attributes: link.attributes, text: linkText(link.text) });
  }
  return { links, baseUrl, repositoryVersion };
}

function resolveBase(
  baseHref: string | undefined,
  pageUrl: string | undefined,
): string | undefined {
  if (baseHref === undefined) return pageUrl;
  // A `<base>` that does not parse is ignored, as browsers do.
  return (pageUrl === undefined ? tryAbsolute(baseHref) : tryResolve(baseHref, pageUrl)) ?? pageUrl;
}

function tryAbsolute(href: string): string | undefined {
  return URL.canParse(href) ? new URL(href).href : undefined;
}

function tryResolve(href: string, base: string): string | undefined {
  return URL.canParse(href, base) ? new URL(href, base).href : undefined;
}

function linkText(raw: string): string {
  return decodeHtmlEntities(raw).trim();
}

function isAsciiAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 12 || c === 13;
}

/**
 * Reads a tag whose name starts at `start` (just after `<` or `</`). Attributes are collected
 * for the elements in `READ_ATTRIBUTES` when `open` is set, otherwise only skipped, still
 * honouring quotes so that a `>` inside a value does not end the tag.
 */
function readTag(html: string, start: number, open: boolean): Tag {
  const length = html.length;
  let i = start;
  while (i < length) {
    const c = html.charCodeAt(i);
    if (isSpace(c) || c === 47 /* / */ || c === 62 /* > */) break;
    i++;
  }
  const name = html.slice(start, i).toLowerCase();
  const attributes = open && READ_ATTRIBUTES.has(name) ? new Map<string, string>() : undefined;
  while (i < length) {
    let c = html.charCodeAt(i);
    if (c === 62 /* > */) return { name, attributes, end: i + 1 };
    if (isSpace(c) || c === 47 /* / */) {
      i++;
      continue;
    }
    // An attribute name: up to whitespace, `/`, `>` or `=` (a leading `=` belongs to the name).
    const nameStart = i;
    i++;
    while (i < length) {
      c = html.charCodeAt(i);
      if (isSpace(c) || c === 47 || c === 62 || c === 61 /* = */) break;
      i++;
    }
    const attributeName = html.slice(nameStart, i);
    while (i < length && isSpace(html.charCodeAt(i))) i++;
    let value = "";
    if (html.charCodeAt(i) === 61 /* = */) {
      i++;
      while (i < length && isSpace(html.charCodeAt(i))) i++;
      const quote = html.charCodeAt(i);
      if (quote === 34 /* " */ || quote === 39 /* ' */) {
        const close = html.indexOf(quote === 34 ? '"' : "'", i + 1);
        const valueEnd = close === -1 ? length : close;
        value = html.slice(i + 1, valueEnd);
        i = valueEnd + 1;
      } else {
        const valueStart = i;
        while (i < length) {
          c = html.charCodeAt(i);
          if (isSpace(c) || c === 62) break;
          i++;
        }
        value = html.slice(valueStart, i);
      }
    }
    if (attributes !== undefined) {
      const key = attributeName.toLowerCase();
      if (!attributes.has(key)) attributes.set(key, decodeHtmlEntities(value));
    }
  }
  return { name, attributes, end: length };
}
