import type { Netrc } from "./netrc.ts";

/**
 * Credentials for HTTP Basic auth (RFC 7617). A username alone (an API token, as many private
 * indexes use) is sent with an empty password.
 */
export interface Credentials {
  readonly username: string;
  readonly password: string | undefined;
}

/** The `Authorization` header value for `credentials`. */
export function basicAuthorization(credentials: Credentials): string {
  const pair = `${credentials.username}:${credentials.password ?? ""}`;
  return `Basic ${Buffer.from(pair, "utf8").toString("base64")}`;
}

/**
 * Splits a URL into the URL without user-info (what is actually requested, logged and shown)
 * and the credentials it carried (percent-decoded), if any.
 */
export function splitUrlCredentials(url: URL): { url: URL; credentials: Credentials | undefined } {
  if (url.username === "" && url.password === "") return { url, credentials: undefined };
  const bare = new URL(url.href);
  bare.username = "";
  bare.password = "";
  const credentials: Credentials = {
    username: decodeURIComponent(url.username),
    password: url.password === "" ? undefined : decodeURIComponent(url.password),
  };
  return { url: bare, credentials };
}

/**
 * The realm credentials apply to: scheme, host and port (RFC 9110 §11.5's protection space,
 * coarsened to the origin as pip and uv do). Credentials are never sent to another realm, so a
 * redirect to another host, or from `https` to `http`, drops them.
 */
export function realmOf(url: URL): string {
  return url.origin;
}

/**
 * Credentials per realm for one client: those given in a URL's user-info are remembered for its
 * realm (so the files an authenticated index links to are fetched with the same credentials, even
 * when their URLs carry none), and `.netrc` fills in realms that have none.
 */
export class CredentialStore {
  readonly #byRealm = new Map<string, Credentials>();

  constructor(readonly netrc: Netrc | undefined) {}

  /** Remembers credentials seen in a URL for its realm; the latest URL wins. */
  remember(url: URL, credentials: Credentials): void {
    this.#byRealm.set(realmOf(url), credentials);
  }

  /**
   * The credentials to send to `url` (already stripped of user-info): those remembered for its
   * realm, completed or supplied by the netrc entry of its host.
   */
  forUrl(url: URL): Credentials | undefined {
    const known = this.#byRealm.get(realmOf(url));
    if (known !== undefined && known.password !== undefined) return known;
    const entry = this.netrc?.lookup(url.hostname);
    if (known !== undefined) {
      // A username without a password: the netrc password for that same login, if any.
      if (entry?.login === known.username && entry.password !== undefined) {
        return { username: known.username, password: entry.password };
      }
      return known;
    }
    if (entry?.login === undefined) return undefined;
    return { username: entry.login, password: entry.password };
  }
}
