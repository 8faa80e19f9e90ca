import { isValidName, PackageName } from "../normalize/index.ts";
import { log, PuffinError, redactCredentials } from "../support/index.ts";
import { type HtmlLink, parseHtmlLinks } from "./html-links.ts";
import {
  checkApiVersion,
  filenameFromUrl,
  parseCoreMetadataAttribute,
  type RawSimpleFile,
  type SimpleFile,
  type SimpleIndex,
  type SimpleProject,
  splitHashFragment,
  toSimpleFile,
} from "./simple-file.ts";

/**
 * PEP 503 HTML pages of the simple repository API (with PEP 592 yanking, PEP 629 versions,
 * PEP 658/714 metadata). https://packaging.python.org/en/latest/specifications/simple-repository-api/
 */

export interface SimpleHtmlOptions {
  /** The URL the page was fetched from: relative links (and `<base href>`) resolve against it. */
  readonly url: string;
  /** The project the page is for; splits ambiguous sdist filenames (`aws-adfs-ebsco-0.3.6-2`). */
  readonly packageName: PackageName;
}

/** A project page (`/simple/<project>/`). */
export function parseSimpleHtmlProject(html: string, options: SimpleHtmlOptions): SimpleProject {
  const page = parseHtmlLinks(html, absolutePageUrl(options.url));
  const apiVersion = checkApiVersion(page.repositoryVersion, options.url);
  const files: SimpleFile[] = [];
  for (const link of page.links) {
    const file = simpleFileFromLink(link, options.packageName, options.url);
    if (file !== undefined) files.push(file);
  }
  return {
    name: options.packageName,
    files,
    versions: undefined,
    meta: { apiVersion, lastSerial: undefined },
  };
}

/**
 * The root page (`/simple/`). Each anchor's text is a project name (PEP 503); anchors whose text
 * is not a valid name are skipped.
 */
export function parseSimpleHtmlIndex(html: string, url: string): SimpleIndex {
  const page = parseHtmlLinks(html, absolutePageUrl(url));
  const apiVersion = checkApiVersion(page.repositoryVersion, url);
  const projects: { name: PackageName; url: string }[] = [];
  for (const link of page.links) {
    if (!isValidName(link.text)) {
      log.debug(
        () =>
          `Skipping ${JSON.stringify(link.text)} in ${redactCredentials(url)}: not a project name`,
      );
      continue;
    }
    projects.push({ name: PackageName.fromValid(link.text), url: link.url });
  }
  return { projects, meta: { apiVersion, lastSerial: undefined } };
}

/**
 * One anchor as a file: the URL without its hash fragment, hashes from the fragment, the
 * filename from the URL's last path segment, and the PEP 592/503/658/714 data attributes.
 * `undefined` for anchors that are not distributions. Shared with `--find-links` pages; `pageUrl`
 * is the page that holds the link (for messages).
 */
export function simpleFileFromLink(
  link: HtmlLink,
  packageName: PackageName | undefined,
  pageUrl: string,
): SimpleFile | undefined {
  const { url, hashes } = splitHashFragment(link.url);
  const attributes = link.attributes;
  const yanked = attributes.get("data-yanked");
  // PEP 714: `data-core-metadata` is the name; `data-dist-info-metadata` the older one.
  const coreMetadata =
    attributes.get("data-core-metadata") ?? attributes.get("data-dist-info-metadata");
  const raw: RawSimpleFile = {
    filename: filenameFromUrl(url),
    url,
    hashes,
    requiresPython: attributes.get("data-requires-python"),
    yanked: yanked === undefined ? undefined : { reason: yanked === "" ? undefined : yanked },
    coreMetadata: coreMetadata === undefined ? undefined : parseCoreMetadataAttribute(coreMetadata),
    size: undefined,
    uploadTime: undefined,
  };
  return toSimpleFile(raw, packageName, pageUrl);
}

function absolutePageUrl(url: string): string {
  if (!URL.canParse(url)) {
    throw new PuffinError("invalid-index-url", `Not an absolute URL: ${redactCredentials(url)}`);
  }
  return url;
}
