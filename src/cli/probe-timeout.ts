import { PuffinError } from "../support/index.ts";

/**
 * `PUFFIN_PYTHON_PROBE_TIMEOUT`: how many seconds an interpreter may take to describe itself
 * (`probeInterpreter`) before Puffin gives up on it and kills it; absent or empty: the default
 * (`DEFAULT_PROBE_TIMEOUT_MS`, 20 s, generous since a cold Python on a loaded machine can take
 * seconds). A positive number, fractions allowed.
 */
export function probeTimeoutMs(env: NodeJS.ProcessEnv): number | undefined {
  const text = env["PUFFIN_PYTHON_PROBE_TIMEOUT"]?.trim();
  if (text === undefined || text === "") return undefined;
  const seconds = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(seconds > 0)) {
    throw new PuffinError(
      "invalid-probe-timeout",
      `Invalid \`PUFFIN_PYTHON_PROBE_TIMEOUT\` ${JSON.stringify(text)}: expected a positive number of seconds`,
    );
  }
  return Math.round(seconds * 1000);
}
