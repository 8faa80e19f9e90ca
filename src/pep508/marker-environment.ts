import { PuffinError } from "../support/index.ts";

/**
 * The values a marker is evaluated against: one target interpreter on one platform.
 * https://packaging.python.org/en/latest/specifications/dependency-specifiers/#environment-markers
 *
 * A plain record so it can be produced by an interpreter probe and cached as JSON. Treat it as
 * immutable: evaluation caches parsed versions of its values.
 */
export type MarkerEnvironment = {
  implementation_name: string;
  implementation_version: string;
  os_name: string;
  platform_machine: string;
  platform_python_implementation: string;
  platform_release: string;
  platform_system: string;
  platform_version: string;
  python_full_version: string;
  python_version: string;
  sys_platform: string;
};

/** The keys of a `MarkerEnvironment`, in the order the spec lists them. */
export const MARKER_ENVIRONMENT_KEYS = [
  "os_name",
  "sys_platform",
  "platform_machine",
  "platform_python_implementation",
  "platform_release",
  "platform_system",
  "platform_version",
  "python_version",
  "python_full_version",
  "implementation_name",
  "implementation_version",
] as const satisfies readonly (keyof MarkerEnvironment)[];

/**
 * Builds a `MarkerEnvironment` from a plain record (an interpreter probe's JSON, a test vector),
 * ignoring keys it does not know. Throws a `PuffinError` with code `invalid-marker-environment`
 * when a key is missing or not a string.
 *
 * Like packaging, it repairs a `python_full_version` ending in `+` (a CPython built from an
 * untagged checkout reports e.g. `3.13.0+`) into the PEP 440 local version `3.13.0+local`.
 */
export function markerEnvironmentFromRecord(
  record: Readonly<Record<string, unknown>>,
): MarkerEnvironment {
  const missing: string[] = [];
  const environment: Partial<Record<keyof MarkerEnvironment, string>> = {};
  for (const key of MARKER_ENVIRONMENT_KEYS) {
    const value = record[key];
    if (typeof value === "string") environment[key] = value;
    else missing.push(key);
  }
  if (missing.length > 0) {
    throw new PuffinError(
      "invalid-marker-environment",
      `Marker environment is missing ${missing.map((key) => `\`${key}\``).join(", ")}`,
    );
  }
  const complete = environment as MarkerEnvironment;
  if (complete.python_full_version.endsWith("+")) {
    complete.python_full_version = `${complete.python_full_version}local`;
  }
  return Object.freeze(complete);
}
