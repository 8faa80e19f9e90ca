import { ExtraName, PackageName } from "../normalize/index.ts";
import { Version, type VersionSpecifiers } from "../pep440/index.ts";
import type { Requirement } from "../pep508/index.ts";
import { type ErrorCode, PuffinError } from "../support/index.ts";
import { parseLenientRequirement, parseLenientVersionSpecifiers } from "./lenient-requirement.ts";
import { MetadataHeaders } from "./metadata-headers.ts";

/**
 * Core metadata of a distribution: a wheel's `*.dist-info/METADATA`, an sdist's `PKG-INFO`, or
 * an installed distribution's `METADATA`. Metadata-Version 1.0 to 2.5.
 * https://packaging.python.org/en/latest/specifications/core-metadata/
 *
 * What the resolver and installer use is parsed eagerly and validated: `name`, `version`,
 * `requiresDist`, `requiresPython`, `providesExtra`, `dynamic`. Everything else is the raw text
 * of the field (single-use fields: the first occurrence; multiple-use fields: every occurrence in
 * file order). Any field not listed here — the legacy 1.1 `Requires` / `Provides` /
 * `Obsoletes`, 2.5's `Import-Name` / `Import-Namespace`, fields from the future — is in
 * `headers`.
 */
export interface Metadata {
  /** As written (`"2.4"`); `undefined` when the file has none (a warning says so). */
  readonly metadataVersion: string | undefined;
  readonly name: PackageName;
  readonly version: Version;
  readonly requiresDist: readonly Requirement[];
  readonly requiresPython: VersionSpecifiers | undefined;
  readonly providesExtra: readonly ExtraName[];
  /** Lowercased field names (`"requires-dist"`) that a build of this sdist may change (2.2+). */
  readonly dynamic: readonly string[];
  readonly summary: string | undefined;
  /** The `Description` field (legacy continuation indentation removed), else the body (2.1+). */
  readonly description: string | undefined;
  readonly descriptionContentType: string | undefined;
  readonly keywords: string | undefined;
  readonly homePage: string | undefined;
  readonly downloadUrl: string | undefined;
  readonly author: string | undefined;
  readonly authorEmail: string | undefined;
  readonly maintainer: string | undefined;
  readonly maintainerEmail: string | undefined;
  readonly license: string | undefined;
  readonly licenseExpression: string | undefined;
  readonly licenseFiles: readonly string[];
  readonly classifiers: readonly string[];
  readonly platforms: readonly string[];
  readonly supportedPlatforms: readonly string[];
  /** `"Label, https://…"` entries, as written. */
  readonly projectUrls: readonly string[];
  readonly requiresExternal: readonly string[];
  readonly providesDist: readonly string[];
  readonly obsoletesDist: readonly string[];
  /** Every field as written, and the body. */
  readonly headers: MetadataHeaders;
  /** What was repaired or ignored while reading (see `parseCoreMetadata`); for `-v` output. */
  readonly warnings: readonly string[];
}

const INVALID = "invalid-metadata" satisfies ErrorCode;
/** The newest Metadata-Version this reader knows; newer minors are read with a warning. */
const KNOWN_MINOR_OF_MAJOR_2 = 5;
/** Fields the spec forbids from being listed in `Dynamic`. */
const NEVER_DYNAMIC = new Set(["name", "version", "metadata-version"]);

/**
 * Parses METADATA / PKG-INFO bytes (or text). Throws a `PuffinError`:
 * - `invalid-metadata` when `Name` or `Version` is missing or invalid, or a `Requires-Dist` line
 *   cannot be read even leniently; the message names the field and quotes the value, and the
 *   pep440 / pep508 error is the `cause`.
 * - `unsupported-metadata-version` when `Metadata-Version` has a major version above 2 (the spec
 *   says consumers MUST fail then).
 *
 * What is forgiven, each with a warning in `warnings`:
 * - `Requires-Dist` and `Requires-Python` in legacy spellings are repaired (see
 *   `lenient-requirement.ts`; uv does the same). An unrepairable `Requires-Dist` is an error, as
 *   in uv and pip (pip ≥ 24.1 then skips the candidate: the resolver can do that by catching it).
 * - An unrepairable `Requires-Python` is ignored, as pip does ("Package … has an invalid
 *   Requires-Python"): the field only narrows where the distribution applies, and the index page
 *   usually carries it too; uv rejects the file instead.
 * - An invalid `Provides-Extra` entry is skipped (uv does the same).
 * - `Name`, `Version` or `Metadata-Version` listed in `Dynamic` (the spec forbids it) is dropped,
 *   so those fields are always static.
 * - A missing or malformed `Metadata-Version`, or a 2.x newer than 2.5.
 */
export function parseCoreMetadata(input: Uint8Array | string): Metadata {
  const headers = MetadataHeaders.parse(input);
  const warnings = [...headers.warnings];
  const metadataVersion = headers.get("Metadata-Version")?.trim();
  checkMetadataVersion(metadataVersion, warnings);

  const name = parseRequired(headers, "Name", (value) => PackageName.parse(value));
  const version = parseRequired(headers, "Version", (value) => Version.parse(value));

  const requiresDist = headers.getAll("Requires-Dist").map((raw) => {
    const value = unfold(raw);
    try {
      const { value: requirement, fixed } = parseLenientRequirement(value);
      if (fixed !== undefined) warnings.push(repaired("Requires-Dist", value, fixed));
      return requirement;
    } catch (error) {
      throw new PuffinError(
        INVALID,
        `Invalid \`Requires-Dist\` in metadata: ${JSON.stringify(value)} is not a valid requirement`,
        { cause: error },
      );
    }
  });

  let requiresPython: VersionSpecifiers | undefined;
  const requiresPythonRaw = headers.get("Requires-Python");
  if (requiresPythonRaw !== undefined) {
    const value = unfold(requiresPythonRaw);
    try {
      const { value: specifiers, fixed } = parseLenientVersionSpecifiers(value);
      if (fixed !== undefined) warnings.push(repaired("Requires-Python", value, fixed));
      requiresPython = specifiers;
    } catch (error) {
      warnings.push(
        `Ignoring invalid \`Requires-Python\` ${JSON.stringify(value)}: ${errorMessage(error)}`,
      );
    }
  }

  const providesExtra: ExtraName[] = [];
  for (const raw of headers.getAll("Provides-Extra")) {
    const value = unfold(raw);
    try {
      providesExtra.push(ExtraName.parse(value));
    } catch (error) {
      warnings.push(
        `Ignoring invalid \`Provides-Extra\` ${JSON.stringify(value)}: ${errorMessage(error)}`,
      );
    }
  }

  const dynamic: string[] = [];
  for (const raw of headers.getAll("Dynamic")) {
    const field = unfold(raw).toLowerCase();
    if (NEVER_DYNAMIC.has(field)) {
      warnings.push(`Ignoring \`Dynamic: ${unfold(raw)}\`: that field can never be dynamic`);
    } else {
      dynamic.push(field);
    }
  }

  const descriptionHeader = headers.get("Description");
  return {
    metadataVersion,
    name,
    version,
    requiresDist,
    requiresPython,
    providesExtra,
    dynamic,
    summary: headers.get("Summary"),
    description:
      descriptionHeader === undefined ? headers.body : unfoldDescription(descriptionHeader),
    descriptionContentType: headers.get("Description-Content-Type"),
    keywords: headers.get("Keywords"),
    homePage: headers.get("Home-page"),
    downloadUrl: headers.get("Download-URL"),
    author: headers.get("Author"),
    authorEmail: headers.get("Author-email"),
    maintainer: headers.get("Maintainer"),
    maintainerEmail: headers.get("Maintainer-email"),
    license: headers.get("License"),
    licenseExpression: headers.get("License-Expression"),
    licenseFiles: headers.getAll("License-File"),
    classifiers: headers.getAll("Classifier"),
    platforms: headers.getAll("Platform"),
    supportedPlatforms: headers.getAll("Supported-Platform"),
    projectUrls: headers.getAll("Project-URL"),
    requiresExternal: headers.getAll("Requires-External"),
    providesDist: headers.getAll("Provides-Dist"),
    obsoletesDist: headers.getAll("Obsoletes-Dist"),
    headers,
    warnings,
  };
}

/**
 * Whether a wheel built from the sdist with this `PKG-INFO` may carry a different value for
 * `field` (any case, e.g. `"Requires-Dist"`). `Name`, `Version` and `Metadata-Version` are never
 * dynamic. Before Metadata 2.2 nothing was promised, so every other field may change; from 2.2
 * on, exactly the fields listed in `Dynamic` may (PEP 643).
 * https://packaging.python.org/en/latest/specifications/core-metadata/#dynamic-multiple-use
 *
 * Only meaningful for sdist metadata: a wheel's METADATA is what it is.
 */
export function isDynamic(metadata: Metadata, field: string): boolean {
  const lower = field.toLowerCase();
  if (NEVER_DYNAMIC.has(lower)) return false;
  if (!atLeast(metadata.metadataVersion, 2, 2)) return true;
  return metadata.dynamic.includes(lower);
}

/**
 * Whether an sdist's `PKG-INFO` can stand in for its built wheel's METADATA during resolution,
 * saving a build: none of `Requires-Dist`, `Requires-Python`, `Provides-Extra` is dynamic.
 */
export function isStaticForResolution(metadata: Metadata): boolean {
  return (
    !isDynamic(metadata, "requires-dist") &&
    !isDynamic(metadata, "requires-python") &&
    !isDynamic(metadata, "provides-extra")
  );
}

function checkMetadataVersion(value: string | undefined, warnings: string[]): void {
  if (value === undefined) {
    warnings.push("The metadata has no `Metadata-Version`");
    return;
  }
  const parsed = parseMetadataVersion(value);
  if (parsed === undefined) {
    warnings.push(`\`Metadata-Version\` ${JSON.stringify(value)} is not a version`);
    return;
  }
  const [major, minor] = parsed;
  if (major > 2) {
    throw new PuffinError(
      "unsupported-metadata-version",
      `Unsupported \`Metadata-Version\` ${JSON.stringify(value)}: Puffin reads 1.0 to 2.${KNOWN_MINOR_OF_MAJOR_2}`,
      { hint: "A newer major metadata version is not backwards compatible; try a newer Puffin" },
    );
  }
  if (major === 2 && minor > KNOWN_MINOR_OF_MAJOR_2) {
    warnings.push(`\`Metadata-Version\` ${value} is newer than 2.${KNOWN_MINOR_OF_MAJOR_2}`);
  }
}

function parseMetadataVersion(value: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)$/.exec(value);
  return match === null ? undefined : [Number(match[1]), Number(match[2])];
}

function atLeast(value: string | undefined, major: number, minor: number): boolean {
  const parsed = value === undefined ? undefined : parseMetadataVersion(value);
  if (parsed === undefined) return false;
  return parsed[0] > major || (parsed[0] === major && parsed[1] >= minor);
}

function parseRequired<T>(headers: MetadataHeaders, field: string, parse: (value: string) => T): T {
  const raw = headers.get(field);
  const value = raw === undefined ? "" : unfold(raw);
  if (value === "") {
    throw new PuffinError(INVALID, `Invalid metadata: the required \`${field}\` field is missing`);
  }
  try {
    return parse(value);
  } catch (error) {
    throw new PuffinError(
      INVALID,
      `Invalid \`${field}\` in metadata: ${JSON.stringify(value)} is not a valid ${field.toLowerCase()}`,
      { cause: error },
    );
  }
}

/**
 * A structured field's value on one line: continuation line breaks (with their indentation)
 * become one space, and the ends are trimmed. Python would hand `packaging` the raw value and
 * fail; folded `Requires-Dist` lines are rare but unambiguous.
 */
function unfold(value: string): string {
  return (value.includes("\n") ? value.replace(/\n[ \t]*/g, " ") : value).trim();
}

/**
 * A `Description` header without the indentation its writer added to continuation lines: the
 * legacy form puts `       |` (7 spaces and a pipe) before every continuation line so that empty
 * and indented lines survive (PEP 345's recipe); setuptools indents by 8 spaces instead.
 * The pipe form is recognised only when every continuation line has it.
 */
function unfoldDescription(value: string): string {
  if (!value.includes("\n")) return value;
  const lines = value.split("\n");
  const continuation = lines.slice(1);
  const piped = continuation.every((line) => PIPED.test(line));
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    lines[i] = piped ? line.replace(PIPED, "") : line.replace(INDENT, "");
  }
  return lines.join("\n");
}

const PIPED = /^[ \t]*\|/;
const INDENT = /^(?: {1,8}|\t)/;

function repaired(field: string, value: string, fixed: string): string {
  return `Repaired invalid \`${field}\` ${JSON.stringify(value)}; read it as ${JSON.stringify(fixed)}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
}
