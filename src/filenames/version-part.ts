import { Version } from "../pep440/index.ts";

/**
 * Characters a version may use inside a filename. `Version.parse` alone is too lenient here: it
 * accepts the surrounding whitespace PEP 440 tolerates in requirement strings, which a
 * distribution filename never contains (`thrivext-0.0.3    .tar.gz`).
 */
const FILENAME_VERSION = /^[A-Za-z0-9._!+-]+$/;

/** The version written in a distribution filename, or `undefined` when it is not PEP 440. */
export function parseVersionPart(part: string): Version | undefined {
  return FILENAME_VERSION.test(part) ? Version.tryParse(part) : undefined;
}
