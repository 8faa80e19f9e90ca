import { PuffinError } from "../support/index.ts";
import { parsePylock } from "./parse-pylock.ts";
import type {
  Pylock,
  PylockArchive,
  PylockDirectory,
  PylockFile,
  PylockPackage,
  PylockVcs,
  TomlTable,
  TomlValue,
} from "./pylock.ts";

/**
 * Writes a lock as `pylock.toml` text, deterministically: keys in the order the specification
 * lists them (https://packaging.python.org/en/latest/specifications/pylock-toml/), absent keys
 * left out, packages and files in the order of the model (the caller sorts them, e.g. by name
 * then version), each package a `[[packages]]` table whose sources are inline tables and whose
 * wheels are one inline table per line. `upload-time` is a TOML date-time, as the
 * specification requires. `packaging.pylock` (26.x) validates the result.
 *
 * The text is read back with `parsePylock` before it is returned: a model that breaks an
 * invariant (two sources, a file that is not the package's, a file without a hash) is refused
 * with `invalid-pylock` naming the key, instead of being written.
 */
export function renderPylock(lock: Pylock): string {
  const lines: string[] = [];
  const top = new TableWriter(lines);
  top.value("lock-version", lock.lockVersion);
  top.value("environments", lock.environments?.map(String));
  top.value("requires-python", lock.requiresPython?.toString());
  top.value("extras", lock.extras);
  top.value("dependency-groups", lock.dependencyGroups);
  top.value("default-groups", lock.defaultGroups);
  top.value("created-by", lock.createdBy);
  if (lock.packages.length === 0) top.value("packages", []);
  for (const pkg of lock.packages) {
    lines.push("", "[[packages]]");
    writePackage(new TableWriter(lines), pkg);
  }
  if (lock.tool !== undefined) {
    lines.push("", "[tool]");
    const tool = new TableWriter(lines);
    for (const [key, value] of Object.entries(lock.tool)) tool.value(key, value);
  }
  const text = `${lines.join("\n")}\n`;
  try {
    parsePylock(text, "pylock.toml");
  } catch (error) {
    throw new PuffinError(
      "invalid-pylock",
      `Refusing to write an invalid lock: ${error instanceof Error ? error.message.replace(/^pylock\.toml: /, "") : String(error)}`,
      { cause: error },
    );
  }
  return text;
}

function writePackage(table: TableWriter, pkg: PylockPackage): void {
  table.value("name", pkg.name);
  table.value("version", pkg.version?.toString());
  table.value("marker", pkg.marker?.toString());
  table.value("requires-python", pkg.requiresPython?.toString());
  table.value("dependencies", pkg.dependencies);
  table.value("vcs", pkg.vcs && vcsTable(pkg.vcs));
  table.value("directory", pkg.directory && directoryTable(pkg.directory));
  table.value("archive", pkg.archive && archiveTable(pkg.archive));
  table.value("index", pkg.index);
  table.value("sdist", pkg.sdist && fileTable(pkg.sdist));
  if (pkg.wheels !== undefined) table.list("wheels", pkg.wheels.map(fileTable));
  if (pkg.attestationIdentities !== undefined) {
    table.list("attestation-identities", pkg.attestationIdentities);
  }
  table.value("tool", pkg.tool);
}

function vcsTable(vcs: PylockVcs): Inline {
  return new Inline([
    ["type", vcs.type],
    ["url", vcs.url],
    ["path", vcs.path],
    ["requested-revision", vcs.requestedRevision],
    ["commit-id", vcs.commitId],
    ["subdirectory", vcs.subdirectory],
  ]);
}

function directoryTable(directory: PylockDirectory): Inline {
  return new Inline([
    ["path", directory.path],
    ["editable", directory.editable],
    ["subdirectory", directory.subdirectory],
  ]);
}

function archiveTable(archive: PylockArchive): Inline {
  return new Inline([
    ["url", archive.url],
    ["path", archive.path],
    ["size", archive.size],
    ["upload-time", archive.uploadTime && new DateTimeText(archive.uploadTime)],
    ["hashes", archive.hashes],
    ["subdirectory", archive.subdirectory],
  ]);
}

function fileTable(file: PylockFile): Inline {
  return new Inline([
    ["name", file.name],
    ["upload-time", file.uploadTime && new DateTimeText(file.uploadTime)],
    ["url", file.url],
    ["path", file.path],
    ["size", file.size],
    ["hashes", file.hashes],
  ]);
}

/** An RFC 3339 date-time written bare (a TOML date-time, not a string). */
class DateTimeText {
  constructor(readonly text: string) {
    if (!DATE_TIME.test(text)) {
      throw new PuffinError(
        "invalid-pylock",
        `Refusing to write an invalid lock: upload-time \`${text}\` is not an RFC 3339 date-time`,
      );
    }
  }
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$/;

/** An inline table whose keys are written in this order; `undefined` values are left out. */
class Inline {
  constructor(readonly fields: readonly (readonly [string, Writable | undefined])[]) {}
}

type Writable = TomlValue | DateTimeText | Inline | readonly Writable[];

class TableWriter {
  constructor(readonly lines: string[]) {}

  value(key: string, value: Writable | undefined): void {
    if (value === undefined) return;
    this.lines.push(`${formatKey(key)} = ${formatValue(value)}`);
  }

  /** An array of inline tables, one per line (wheels, attestation identities). */
  list(key: string, items: readonly Writable[]): void {
    if (items.length === 0) {
      this.lines.push(`${formatKey(key)} = []`);
      return;
    }
    this.lines.push(`${formatKey(key)} = [`);
    for (const item of items) this.lines.push(`  ${formatValue(item)},`);
    this.lines.push("]");
  }
}

function formatValue(value: Writable): string {
  if (value instanceof DateTimeText) return value.text;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string") return formatString(value);
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") return formatNumber(value);
  if (value instanceof Inline) return inlineTable(value.fields);
  if (Array.isArray(value)) return `[${value.map((item) => formatValue(item)).join(", ")}]`;
  return inlineTable(Object.entries(value as TomlTable));
}

function inlineTable(entries: readonly (readonly [string, Writable | undefined])[]): string {
  const parts = entries
    .filter((entry): entry is readonly [string, Writable] => entry[1] !== undefined)
    .map(([key, value]) => `${formatKey(key)} = ${formatValue(value)}`);
  return parts.length === 0 ? "{}" : `{ ${parts.join(", ")} }`;
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return String(value);
  if (Number.isNaN(value)) return "nan";
  if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
  return String(value);
}

/** A literal string (`'…'`) when it needs no escape, else a basic string (`"…"`). */
function formatString(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
  if (!/['\u0000-\u001f\u007f]/.test(value)) return `'${value}'`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are escaped
  return `"${value.replace(/[\\"\u0000-\u001f\u007f]/g, escapeCharacter)}"`;
}

function escapeCharacter(character: string): string {
  switch (character) {
    case "\\":
      return "\\\\";
    case '"':
      return '\\"';
    case "\n":
      return "\\n";
    case "\t":
      return "\\t";
    case "\r":
      return "\\r";
    default:
      return `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
  }
}

function formatKey(key: string): string {
  if (/^[A-Za-z0-9_-]+$/.test(key)) return key;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are escaped
  return `"${key.replace(/[\\"\u0000-\u001f\u007f]/g, escapeCharacter)}"`;
}
