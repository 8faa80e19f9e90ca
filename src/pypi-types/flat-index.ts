import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { PackageName } from "../normalize/index.ts";
import { PuffinError } from "../support/index.ts";
import { parseHtmlLinks } from "./html-links.ts";
import { type SimpleFile, toSimpleFile } from "./simple-file.ts";
import { simpleFileFromLink } from "./simple-html.ts";

/**
 * `--find-links` sources: an HTML page of links, or a local directory of distributions. Unlike
 * an index page, one source lists files of many packages, so every file is classified without a
 * name hint and grouped by the package its filename names. Files that are not wheels or sdists
 * (legacy formats, READMEs, anything else) are skipped: they name no usable package.
 */
export type FlatIndex = ReadonlyMap<PackageName, readonly SimpleFile[]>;

/**
 * Every anchor of the page at `url`, read with the same rules as an index page (hash fragments,
 * `data-requires-python`, `data-yanked`, PEP 658 metadata, `<base href>`).
 */
export function parseFlatIndexHtml(html: string, url: string): FlatIndex {
  const files: SimpleFile[] = [];
  for (const link of parseHtmlLinks(html, url).links) {
    const file = simpleFileFromLink(link, undefined, url);
    if (file !== undefined) files.push(file);
  }
  return groupByPackage(files);
}

/**
 * The files named in `filenames`, found in `directory`, as `file://` URLs. Pure: the caller
 * lists the directory (see `readFlatIndexDirectory`).
 */
export function flatIndexFromDirectory(directory: string, filenames: Iterable<string>): FlatIndex {
  const absolute = resolve(directory);
  const files: SimpleFile[] = [];
  for (const filename of filenames) {
    const file = toSimpleFile(
      {
        filename,
        url: pathToFileURL(join(absolute, filename)).href,
        hashes: {},
        requiresPython: undefined,
        yanked: undefined,
        coreMetadata: undefined,
        size: undefined,
        uploadTime: undefined,
      },
      undefined,
      `the directory ${absolute}`,
    );
    if (file !== undefined) files.push(file);
  }
  return groupByPackage(files);
}

/** Lists `directory` (files and links to files, sorted by name) as a flat index. */
export async function readFlatIndexDirectory(directory: string): Promise<FlatIndex> {
  let entries: Dirent[];
  try {
    entries = await readdir(directory, { withFileTypes: true });
  } catch (error) {
    throw new PuffinError(
      "find-links-unreadable",
      `Cannot read the find-links directory ${directory}`,
      {
        cause: error,
      },
    );
  }
  const filenames: string[] = [];
  for (const entry of entries) {
    if (entry.isFile() || (entry.isSymbolicLink() && (await isFile(join(directory, entry.name))))) {
      filenames.push(entry.name);
    }
  }
  return flatIndexFromDirectory(directory, filenames.sort());
}

/** Whether a symbolic link leads to a file (a dangling link does not). */
async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function groupByPackage(files: readonly SimpleFile[]): FlatIndex {
  const byPackage = new Map<PackageName, SimpleFile[]>();
  for (const file of files) {
    const dist = file.distFilename;
    if (dist.kind === "legacy") continue;
    const name = dist.filename.name;
    const group = byPackage.get(name);
    if (group === undefined) byPackage.set(name, [file]);
    else group.push(file);
  }
  return byPackage;
}
