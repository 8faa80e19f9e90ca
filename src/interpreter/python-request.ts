import { Version, VersionSpecifiers } from "../pep440/index.ts";
import { PuffinError } from "../support/index.ts";

/**
 * What `--python X` asks for, as uv reads it:
 * - a path (anything with a path separator, or starting with `.` or `~`): that interpreter, or
 *   the interpreter of that environment directory;
 * - a version (`3`, `3.12`, `3.12.1`) or specifiers (`>=3.10`, `>=3.9,<3.12`): any interpreter
 *   whose version matches, from PATH or pyenv's versions;
 * - otherwise an executable name (`python3.12`, `pypy3`) looked up on PATH.
 */
export type PythonRequest =
  | { readonly kind: "path"; readonly path: string }
  | { readonly kind: "version"; readonly text: string; readonly specifiers: VersionSpecifiers }
  | { readonly kind: "executable-name"; readonly name: string };

const VERSION = /^\d+(?:\.\d+){0,2}$/;
const SPECIFIER_START = /^\s*(?:[<>]|[=!~]=)/;

export function parsePythonRequest(text: string, home: string | undefined): PythonRequest {
  const request = text.trim();
  if (request === "") {
    throw new PuffinError("invalid-python-request", "The Python request is empty");
  }
  if (VERSION.test(request)) {
    const parts = request.split(".");
    // `3.12` means any 3.12.x; `3.12.1` means exactly that release.
    const specifier = parts.length === 3 ? `==${request}` : `==${request}.*`;
    return { kind: "version", text: request, specifiers: VersionSpecifiers.parse(specifier) };
  }
  if (SPECIFIER_START.test(request)) {
    try {
      return { kind: "version", text: request, specifiers: VersionSpecifiers.parse(request) };
    } catch (cause) {
      throw new PuffinError(
        "invalid-python-request",
        `Invalid Python version request \`${request}\``,
        {
          cause,
        },
      );
    }
  }
  if (request === "~" || request.startsWith("~/")) {
    if (home === undefined) {
      throw new PuffinError(
        "invalid-python-request",
        `Cannot expand \`~\` in \`${request}\` without HOME`,
      );
    }
    return { kind: "path", path: home + request.slice(1) };
  }
  if (request.includes("/") || request.includes("\\") || request.startsWith(".")) {
    return { kind: "path", path: request };
  }
  return { kind: "executable-name", name: request };
}

/** True when the interpreter's version (`3.12.1`) satisfies a version request. */
export function versionMatches(
  request: { specifiers: VersionSpecifiers },
  version: string,
): boolean {
  try {
    return request.specifiers.contains(Version.parse(version));
  } catch {
    return false;
  }
}

/** A human description of the request for messages: `Python 3.12`, `Python >=3.10`, `python3.12`. */
export function describeRequest(request: PythonRequest): string {
  switch (request.kind) {
    case "path":
      return `\`${request.path}\``;
    case "version":
      return `Python ${request.text}`;
    case "executable-name":
      return `\`${request.name}\``;
  }
}
