import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { checkSafeFileName, PuffinError, redactCredentials } from "../support/index.ts";

/**
 * A URL as the user wrote it (`given`, kept for display and round-trips) together with its
 * parsed, absolute form (`url`, for fetching). Accepts
 * - URLs with a scheme: `https://…`, `http://…`, `file:///…`, VCS URLs such as
 *   `git+https://host/repo.git@rev#egg=name&subdirectory=dir` (any scheme the WHATWG URL parser
 *   reads; what to do with it is for the caller);
 * - local paths, absolute or relative (`./dist/foo.whl`, `../project`, `C:\\dir`), resolved
 *   against `base` (default: the current directory) into a `file://` URL. A `#fragment` after a
 *   path is kept on the URL (`./project#subdirectory=sub`).
 *
 * `${VAR}` expansion is not done here: the requirements-file parser does it before.
 */
export class VerbatimUrl {
  readonly url: URL;
  readonly given: string;

  private constructor(url: URL, given: string) {
    this.url = url;
    this.given = given;
  }

  /** Throws a `PuffinError` with code `invalid-url` when `s` is neither a URL nor a path. */
  static parse(s: string, base?: string): VerbatimUrl {
    if (s === "")
      throw new PuffinError("invalid-url", "Expected a URL or a path, found an empty string");
    if (!looksLikeUrl(s)) return new VerbatimUrl(pathUrl(s, base), s);
    if (!URL.canParse(s)) {
      throw new PuffinError("invalid-url", `Not a valid URL: \`${redactCredentials(s)}\``, {
        hint: SCP_LIKE.test(s)
          ? "An SSH URL takes a `/` between host and path (`git+ssh://git@github.com/org/repo.git`), not the `:` of scp-style addresses"
          : undefined,
      });
    }
    return new VerbatimUrl(new URL(s), s);
  }

  /** The URL as given with credentials masked as `****` (see `redactCredentials`). */
  redacted(): string {
    if (this.url.username === "" && this.url.password === "") return this.given;
    return redactCredentials(this.given);
  }

  /**
   * The file the URL names: the last segment of its path, percent-decoded (a malformed escape is
   * kept as written), or `""` when the path ends with `/`. The name comes from outside and
   * becomes a path component wherever the file is stored, so anything but one safe file name
   * (`%2F`, a control character…) is refused with `unsafe-filename`.
   */
  filename(): string {
    const path = this.url.pathname;
    const last = decodePathSegment(path.slice(path.lastIndexOf("/") + 1));
    if (last !== "") checkSafeFileName(last, `the URL ${this.redacted()}`);
    return last;
  }

  toString(): string {
    return this.given;
  }
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** `ssh://host:path` with a non-numeric "port": an scp-style `host:path` given a scheme. */
const SCP_LIKE = /^[A-Za-z+]*ssh:\/\/[^/]*:[^0-9/]/;

/**
 * True when `s` starts with a URL scheme (`[A-Za-z][A-Za-z0-9+.-]*:`) of two or more characters;
 * a single letter followed by a colon is a Windows drive (`C:\dir`).
 */
function looksLikeUrl(s: string): boolean {
  const colon = s.indexOf(":");
  if (colon < 2) return false;
  for (let i = 0; i < colon; i++) {
    const c = s.charCodeAt(i);
    const letter = (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
    if (letter) continue;
    const other = (c >= 48 && c <= 57) || c === 43 /* + */ || c === 45 /* - */ || c === 46; /* . */
    if (i === 0 || !other) return false;
  }
  return true;
}

function pathUrl(given: string, base: string | undefined): URL {
  const hash = given.indexOf("#");
  const path = hash < 0 ? given : given.slice(0, hash);
  const absolute = isAbsolute(path) ? resolve(path) : resolve(base ?? process.cwd(), path);
  const url = pathToFileURL(absolute);
  if (hash >= 0) url.hash = given.slice(hash + 1);
  return url;
}
