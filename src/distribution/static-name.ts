import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseToml } from "smol-toml";
import { SourceDistFilename, WheelFilename } from "../filenames/index.ts";
import { isValidName, PackageName } from "../normalize/index.ts";
import type { VerbatimUrl } from "../pep508/index.ts";
import { PuffinError, readFileUpToSync } from "../support/index.ts";

/** The largest project file (`pyproject.toml`, `setup.cfg`) read to find a name. */
const PROJECT_FILE_LIMIT = 64 * 1024 * 1024;
const utf8 = new TextDecoder();

/**
 * The name of what `url` holds, read without running Python, as uv finds it: a wheel's or an
 * sdist's filename; for a local directory its static `pyproject.toml` `[project] name`, else its
 * `setup.cfg` `[metadata] name` when that is a literal. Undefined when only a build backend can
 * tell (a `setup.py` project, a git repository).
 */
export function staticName(url: VerbatimUrl): PackageName | undefined {
  const file = url.filename();
  const fromFile = WheelFilename.tryParse(file)?.name ?? SourceDistFilename.tryParse(file)?.name;
  if (fromFile !== undefined || url.url.protocol !== "file:" || url.given.startsWith("git+")) {
    return fromFile;
  }
  const directory = fileURLToPath(url.url);
  return (
    projectName(join(directory, "pyproject.toml")) ?? setupCfgName(join(directory, "setup.cfg"))
  );
}

/** The text of a project file, undefined when it does not exist (or is not a file). */
function readProjectFile(path: string): string | undefined {
  let bytes: Uint8Array | undefined;
  try {
    bytes = readFileUpToSync(path, PROJECT_FILE_LIMIT);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return undefined;
    throw new PuffinError("project-file-unreadable", `Failed to read \`${path}\``, {
      cause: error,
    });
  }
  if (bytes === undefined) {
    throw new PuffinError(
      "project-file-too-large",
      `\`${path}\` is larger than ${PROJECT_FILE_LIMIT / 1024 / 1024} MiB`,
    );
  }
  return utf8.decode(bytes);
}

/** The static `[project] name` of a project directory's `pyproject.toml`, when there is one. */
function projectName(pyproject: string): PackageName | undefined {
  const text = readProjectFile(pyproject);
  if (text === undefined) return undefined;
  let document: Record<string, unknown>;
  try {
    document = parseToml(text);
  } catch (error) {
    throw new PuffinError("invalid-pyproject", `\`${pyproject}\` is not valid TOML`, {
      cause: error,
    });
  }
  const project = document["project"];
  return typeof project === "object" &&
    project !== null &&
    typeof (project as Record<string, unknown>)["name"] === "string"
    ? PackageName.parse((project as Record<string, string>)["name"]!)
    : undefined;
}

/**
 * setuptools' `setup.cfg` `[metadata] name`, when it is a literal (no `attr:` / `file:`
 * directive, no `%(…)s` interpolation), read as `configparser` reads it: keys are
 * case-insensitive and `=` or `:` separates the value.
 * https://setuptools.pypa.io/en/latest/userguide/declarative_config.html
 */
function setupCfgName(path: string): PackageName | undefined {
  const text = readProjectFile(path);
  if (text === undefined) return undefined;
  let section: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\[([^\]]+)\]\s*$/.exec(line);
    if (header !== null) {
      section = header[1]!.trim();
      continue;
    }
    if (section !== "metadata") continue;
    const entry = /^name\s*[=:]\s*(.*?)\s*$/i.exec(line);
    if (entry === null) continue;
    const value = entry[1]!;
    // Not a literal (or not a valid name): the backend tells.
    if (/^(attr|file):/.test(value) || value.includes("%(") || !isValidName(value))
      return undefined;
    return PackageName.parse(value);
  }
  return undefined;
}
