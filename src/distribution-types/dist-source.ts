import type { PackageName } from "../normalize/index.ts";
import type { Version } from "../pep440/index.ts";

/**
 * Where a desired distribution comes from; decides whether an installed one still matches:
 * - `registry`: a package index (or find-links); any installed copy of the right version that
 *   did not come from a URL matches;
 * - `url`: a wheel or sdist URL (`direct_url.json` `archive_info`);
 * - `git`: a repository at a commit (`vcs_info`);
 * - `path`: a local archive or directory, installed non-editable; `modifiedMs` is the newest
 *   modification time of the source, so an install older than it is stale;
 * - `editable`: a local project directory installed in editable mode (`dir_info.editable`).
 */
export type DistSource =
  | { readonly kind: "registry"; readonly index?: string | undefined }
  | { readonly kind: "url"; readonly url: string }
  | { readonly kind: "git"; readonly url: string; readonly commit: string }
  | { readonly kind: "path"; readonly url: string; readonly modifiedMs: number }
  | { readonly kind: "editable"; readonly url: string; readonly modifiedMs: number };

/** A distribution the environment should hold: one line of a resolution. */
export interface DesiredDist {
  readonly name: PackageName;
  readonly version: Version;
  readonly source: DistSource;
}
