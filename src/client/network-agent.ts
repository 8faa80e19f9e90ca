import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";
import type { Dispatcher } from "undici";
import { log, redactCredentials } from "../support/index.ts";

/**
 * The one undici dispatcher of an `HttpClient`: a connection pool per origin (bounded, kept
 * alive), behind the proxies the environment names, trusting Node's CA roots plus an extra
 * bundle.
 *
 * undici is loaded with `await import()` on first use, so that a run which never touches the
 * network never pays for loading it (about 100 ms); the bundler puts it in its own chunk.
 */
export interface AgentSettings {
  readonly timeoutMs: number;
  readonly maxConnectionsPerHost: number;
  readonly env: NodeJS.ProcessEnv;
}

/** The proxies from the environment, lower-case names first (as curl and undici read them). */
export interface ProxySettings {
  readonly httpProxy: string | undefined;
  readonly httpsProxy: string | undefined;
  readonly noProxy: string | undefined;
}

function fromEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return value === undefined || value === "" ? undefined : value;
}

export function proxySettings(env: NodeJS.ProcessEnv): ProxySettings {
  return {
    httpProxy: fromEnv(env, "HTTP_PROXY"),
    httpsProxy: fromEnv(env, "HTTPS_PROXY"),
    noProxy: fromEnv(env, "NO_PROXY"),
  };
}

/**
 * The CA certificates to trust: Node's bundled roots, plus the PEM bundle `SSL_CERT_FILE` names
 * (a corporate proxy's CA, a private index's). `undefined` when there is no extra bundle, so that
 * Node's defaults apply unchanged. A missing or unreadable file is ignored with a warning (as uv
 * does): failing every request for it would be worse than the TLS error it may cause.
 */
export function caCertificates(env: NodeJS.ProcessEnv): string[] | undefined {
  const path = env["SSL_CERT_FILE"];
  if (path === undefined || path === "") return undefined;
  let bundle: string;
  try {
    bundle = readFileSync(path, "utf8");
  } catch (error) {
    log.warn(`Ignoring SSL_CERT_FILE ${path}: ${(error as Error).message}`);
    return undefined;
  }
  if (!bundle.includes("-----BEGIN CERTIFICATE-----")) {
    log.warn(`Ignoring SSL_CERT_FILE ${path}: no PEM certificate in it`);
    return undefined;
  }
  return [...rootCertificates, bundle];
}

type Undici = typeof import("undici");
let undici: Promise<Undici> | undefined;

/**
 * Loads undici once per process. undici is CommonJS: Node's own `import()` gives its exports as
 * named exports, but from the bundle (dist/) a CommonJS chunk offers them only as `default`.
 */
export function loadUndici(): Promise<Undici> {
  undici ??= import("undici").then((module) =>
    "Agent" in module ? module : (module as unknown as { default: Undici }).default,
  );
  return undici;
}

/** Creates the dispatcher for `settings` (reads `SSL_CERT_FILE` once, here). */
export async function createDispatcher(settings: AgentSettings): Promise<Dispatcher> {
  const { Agent, EnvHttpProxyAgent } = await loadUndici();
  const ca = caCertificates(settings.env);
  const tls = ca === undefined ? {} : { ca };
  const options = {
    connections: settings.maxConnectionsPerHost,
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
    connect: { timeout: settings.timeoutMs, ...tls },
  };
  const proxies = proxySettings(settings.env);
  if (proxies.httpProxy === undefined && proxies.httpsProxy === undefined) {
    return new Agent(options);
  }
  log.debug(() =>
    redactCredentials(
      `Using proxies: http ${proxies.httpProxy ?? "-"}, https ${proxies.httpsProxy ?? "-"}, ` +
        `no_proxy ${proxies.noProxy ?? "-"}`,
    ),
  );
  // Empty strings, not `undefined`: undici would fall back to `process.env` otherwise, and the
  // environment given to the client is the only one that counts.
  return new EnvHttpProxyAgent({
    ...options,
    httpProxy: proxies.httpProxy ?? "",
    httpsProxy: proxies.httpsProxy ?? "",
    noProxy: proxies.noProxy ?? "",
    // Plain-HTTP requests go to the proxy as absolute-form requests (RFC 9112 §3.2.2), as pip
    // and curl send them; HTTPS goes through a CONNECT tunnel.
    proxyTunnel: false,
    requestTls: tls,
    proxyTls: tls,
  });
}
