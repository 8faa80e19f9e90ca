import { readFileSync } from "node:fs";
import { createSecureContext, rootCertificates, type SecureContext } from "node:tls";
import type { buildConnector, Dispatcher } from "undici";
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
 * The variables that name PEM bundles to trust besides Node's bundled roots: `SSL_CERT_FILE` (a
 * corporate proxy's CA, a private index's; as uv and curl read it) and `NODE_EXTRA_CA_CERTS` (as
 * every Node program reads it). Node itself loads the second at startup unless the bin's launcher
 * deferred it (`cli/deferred-ca-certs.ts`); trusting it here too makes both ways the same.
 */
const CA_BUNDLE_VARIABLES = ["SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS"] as const;

/**
 * The CA certificates to trust: Node's bundled roots plus the bundles `CA_BUNDLE_VARIABLES` name.
 * `undefined` when there is no extra bundle, so that Node's defaults apply unchanged. A missing or
 * unreadable file is ignored with a warning (as uv and Node do): failing every request for it
 * would be worse than the TLS error it may cause.
 */
export function caCertificates(env: NodeJS.ProcessEnv): string[] | undefined {
  const bundles: string[] = [];
  for (const variable of CA_BUNDLE_VARIABLES) {
    const path = env[variable];
    if (path === undefined || path === "") continue;
    let bundle: string;
    try {
      bundle = readFileSync(path, "utf8");
    } catch (error) {
      log.warn(`Ignoring ${variable} ${path}: ${(error as Error).message}`);
      continue;
    }
    if (!bundle.includes("-----BEGIN CERTIFICATE-----")) {
      log.warn(`Ignoring ${variable} ${path}: no PEM certificate in it`);
      continue;
    }
    bundles.push(bundle);
  }
  return bundles.length === 0 ? undefined : [...rootCertificates, ...bundles];
}

/**
 * The TLS options of every connection, made once: a secure context holding `caCertificates(env)`,
 * or nothing when Node's defaults apply. Parsing the certificates costs 20–40 ms, so it is done
 * once per dispatcher and shared (given as `ca`, Node would parse them again for every
 * connection), and for direct connections only when the first TLS connection is made.
 */
function tlsOptionsFor(env: NodeJS.ProcessEnv): () => { secureContext?: SecureContext } {
  let options: { secureContext?: SecureContext } | undefined;
  return () => {
    if (options === undefined) {
      const ca = caCertificates(env);
      options = ca === undefined ? {} : { secureContext: createSecureContext({ ca }) };
    }
    return options;
  };
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

/** Creates the dispatcher for `settings` (reads the CA bundles once, when first needed). */
export async function createDispatcher(settings: AgentSettings): Promise<Dispatcher> {
  const { Agent, EnvHttpProxyAgent, buildConnector } = await loadUndici();
  const tlsOptions = tlsOptionsFor(settings.env);
  const connection = {
    connections: settings.maxConnectionsPerHost,
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 60_000,
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
  };
  const timeout = settings.timeoutMs;
  const proxies = proxySettings(settings.env);
  if (proxies.httpProxy === undefined && proxies.httpsProxy === undefined) {
    const plain = buildConnector({ timeout });
    let secure: buildConnector.connector | undefined;
    return new Agent({
      ...connection,
      connect: (options, callback) => {
        if (options.protocol !== "https:") return plain(options, callback);
        secure ??= buildConnector({ timeout, ...tlsOptions() });
        return secure(options, callback);
      },
    });
  }
  log.debug(() =>
    redactCredentials(
      `Using proxies: http ${proxies.httpProxy ?? "-"}, https ${proxies.httpsProxy ?? "-"}, ` +
        `no_proxy ${proxies.noProxy ?? "-"}`,
    ),
  );
  // undici copies a proxy agent's TLS options when it is made, so with proxies the CA bundles
  // are read at once.
  const tls = tlsOptions();
  // Empty strings, not `undefined`: undici would fall back to `process.env` otherwise, and the
  // environment given to the client is the only one that counts.
  return new EnvHttpProxyAgent({
    ...connection,
    connect: { timeout, ...tls },
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
