import { dirname, isAbsolute, join, normalize, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { redactCredentials } from "../support/index.ts";

/**
 * A requirements file to read: the entry file, or one included with `-r` / `-c`. Local files are
 * known by absolute path (their identity, for cycle detection) and by the path shown to the
 * user, which keeps the form the user gave (`requirements/base.txt`, relative to the working
 * directory, as pip shows it).
 */
export type IncludedFile =
  | { readonly kind: "local"; readonly path: string; readonly display: string }
  | { readonly kind: "remote"; readonly url: URL; readonly display: string };

/** pip's `SCHEME_RE`: what makes a `-r` target a URL rather than a path. */
const URL_SCHEME = /^(https?|file):/i;

/** The entry file `target`, relative to `workingDir` unless absolute or a URL. */
export function entryFile(target: string, workingDir: string): IncludedFile {
  if (URL_SCHEME.test(target)) return fromUrl(new URL(target));
  return { kind: "local", path: resolve(workingDir, target), display: target };
}

/**
 * The file that `target` (the value of `-r` / `-c`) names inside `parent`: relative to the
 * parent's URL when the parent is remote, else a URL as written, else a path relative to the
 * parent's directory (pip's `_parse_and_recurse`).
 */
export function includedFile(target: string, parent: IncludedFile): IncludedFile {
  if (parent.kind === "remote") return fromUrl(new URL(target, parent.url));
  if (URL_SCHEME.test(target)) return fromUrl(new URL(target));
  return {
    kind: "local",
    path: resolve(dirname(parent.path), target),
    display: isAbsolute(target) ? target : normalize(join(dirname(parent.display), target)),
  };
}

/** The identity of a file, for cycle detection. */
export function fileIdentity(file: IncludedFile): string {
  return file.kind === "local" ? file.path : file.url.href;
}

function fromUrl(url: URL): IncludedFile {
  if (url.protocol === "file:") {
    const path = fileURLToPath(url);
    return { kind: "local", path, display: path };
  }
  return { kind: "remote", url, display: redactCredentials(url.href) };
}
