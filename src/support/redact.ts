/**
 * Credentials never appear in messages or logs. These functions mask the user-info of every
 * `scheme://user:password@host/…` in a piece of text — a URL, a requirement line, a whole
 * error message — whether or not it is a valid URL.
 *
 * The password becomes `****`; a username without a password (usually a token) becomes `****`,
 * except the conventional SSH user `git` (as uv does).
 */

/** One masked range of the original text: `[start, end)` is replaced by `replacement`. */
export interface Redaction {
  start: number;
  end: number;
  replacement: string;
}

/** The ranges to mask in `text`, in order; empty when it holds no credentials. */
export function credentialRedactions(text: string): Redaction[] {
  const redactions: Redaction[] = [];
  let from = 0;
  for (;;) {
    const schemeEnd = text.indexOf("://", from);
    if (schemeEnd < 0) return redactions;
    const authorityStart = schemeEnd + 3;
    let authorityEnd = text.length;
    for (let i = authorityStart; i < text.length; i++) {
      const c = text.charCodeAt(i);
      // The authority ends at the path, query or fragment, or where the URL itself ends.
      if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */ || c <= 32 || c === 96 /* ` */) {
        authorityEnd = i;
        break;
      }
    }
    from = authorityEnd;
    const at = text.lastIndexOf("@", authorityEnd - 1);
    if (at < authorityStart) continue;
    const userInfo = text.slice(authorityStart, at);
    const colon = userInfo.indexOf(":");
    if (colon < 0 && userInfo === "git") continue;
    const start = colon < 0 ? authorityStart : authorityStart + colon + 1;
    redactions.push({ start, end: at, replacement: "****" });
  }
}

/** `text` with every credential masked. */
export function redactCredentials(text: string): string {
  const redactions = credentialRedactions(text);
  if (redactions.length === 0) return text;
  let result = "";
  let last = 0;
  for (const { start, end, replacement } of redactions) {
    result += text.slice(last, start) + replacement;
    last = end;
  }
  return result + text.slice(last);
}

/**
 * Where offset `position` of the original text lands in the redacted text. An offset inside a
 * masked range maps to the start of its mask. Used to keep `^^^` markers under the right columns.
 */
export function redactedOffset(redactions: readonly Redaction[], position: number): number {
  let shift = 0;
  for (const { start, end, replacement } of redactions) {
    if (position < start) break;
    if (position < end) return start + shift;
    shift += replacement.length - (end - start);
  }
  return position + shift;
}

const ENV_VAR_CREDENTIALS = /^\$\{[A-Za-z0-9_-]+\}(?::\$\{[A-Za-z0-9_-]+\})?$/;
const AUTHORITY_USERINFO = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#@]*)@/;

/**
 * `url` as it may be written to a file (`direct_url.json`, a compiled requirements file): its
 * `user:password@` part removed, unless that part is made of environment variables
 * (`${USER}:${TOKEN}`, expanded only when the file is read) or, with `keepGitUser`, is the
 * conventional SSH user `git` (PEP 610 allows both to persist). Unlike `redactCredentials` the
 * result is still a usable URL: credentials come back from the index URL of the same host,
 * `.netrc` or the keyring. The rest of the URL is kept exactly as written.
 */
export function stripCredentials(url: string, options: { keepGitUser?: boolean } = {}): string {
  const match = AUTHORITY_USERINFO.exec(url);
  if (match === null) return url;
  const userinfo = match[2]!;
  const keep =
    ENV_VAR_CREDENTIALS.test(userinfo) || (options.keepGitUser === true && userinfo === "git");
  return keep ? url : match[1]! + url.slice(match[0].length);
}
