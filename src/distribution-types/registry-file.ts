import type { SimpleFile } from "../pypi-types/index.ts";
import { describeFindLinks, type FindLinksLocation, type IndexUrl } from "./index-url.ts";

/** Where a file was listed: an index page, or a find-links location. */
export type FileOrigin =
  | { readonly kind: "index"; readonly index: IndexUrl }
  | { readonly kind: "find-links"; readonly location: FindLinksLocation };

/** A file a package may be installed from, with where it was listed. */
export interface RegistryFile {
  readonly file: SimpleFile;
  readonly origin: FileOrigin;
}

/** The location that listed a file, for messages (credentials masked). */
export function describeOrigin(origin: FileOrigin): string {
  return origin.kind === "index" ? origin.index.redacted : describeFindLinks(origin.location);
}
