/**
 * Node reads `NODE_EXTRA_CA_CERTS` as it starts, before any JavaScript runs, and parses those
 * certificates together with every root it bundles: 35 ms on these machines for the system
 * bundle, more than the whole of `puffin venv` besides. The bin's launcher line
 * (`scripts/build.mjs`) therefore moves the variable to `PUFFIN_DEFERRED_NODE_EXTRA_CA_CERTS`
 * before it starts Node, and this puts it back first thing, so that Puffin's own code and every
 * process it starts (Python, build backends, git) see the environment the user set. The HTTP
 * client trusts the certificates it names itself, on its first TLS connection
 * (`client/network-agent.ts`), so HTTPS works exactly as if Node had loaded them.
 */
export const DEFERRED_CA_CERTS = "PUFFIN_DEFERRED_NODE_EXTRA_CA_CERTS";

/** Moves the launcher's deferred `NODE_EXTRA_CA_CERTS` back into `env` (a value set there wins). */
export function restoreDeferredCaCerts(env: NodeJS.ProcessEnv): void {
  const deferred = env[DEFERRED_CA_CERTS];
  if (deferred === undefined) return;
  delete env[DEFERRED_CA_CERTS];
  env["NODE_EXTRA_CA_CERTS"] ??= deferred;
}
