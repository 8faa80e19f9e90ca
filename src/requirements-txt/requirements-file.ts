import { dirname, join, resolve } from "node:path";
import { lineError, type SourceLocation } from "./error.ts";
import { readRequirementsLines } from "./file-lines.ts";
import type { IncludedFile } from "./included-file.ts";
import {
  type ConfigSettings,
  emptyGlobalSettings,
  type GlobalSettings,
  type LineOptions,
} from "./line-options.ts";
import type { Environment } from "./logical-lines.ts";
import { applySelectionOption } from "./package-selection.ts";
import { localFileReader, type RequirementsFileReader } from "./reader.ts";
import { parseRequirementText, type RequirementsTxtRequirement } from "./requirement.ts";
import type { RequirementsLine } from "./requirements-line.ts";

/** One requirement of a requirements file, with what its line said about it. */
export interface RequirementEntry {
  readonly requirement: RequirementsTxtRequirement;
  /** Given with `-e` / `--editable`. */
  readonly editable: boolean;
  /** `--hash` values as `algorithm:digest`, in order. */
  readonly hashes: readonly string[];
  readonly configSettings: ConfigSettings;
  /** The file (as displayed) and the first physical line of the requirement. */
  readonly source: SourceLocation;
}

/**
 * A requirements file with its includes, flattened. Global options from every included file
 * apply to the whole, as in pip. Per the pip options they model:
 * - `indexUrl`: the last `--index-url` (pip replaces the index list with it);
 * - `findLinks`: as written, except that a relative path that exists next to the file that
 *   names it becomes that absolute path (pip's rule); other values are left to the caller;
 * - `formatControl` / `releaseControl`: every `--no-binary` / `--only-binary` /
 *   `--all-releases` / `--only-final` applied in file order.
 */
export interface RequirementsTxt extends Readonly<GlobalSettings> {
  /** Requirements, editables excluded, in file order. */
  readonly requirements: RequirementEntry[];
  /** Everything that came through `-c` (or the whole file when parsed as constraints). */
  readonly constraints: RequirementEntry[];
  /** `-e` requirements, in file order. */
  readonly editables: RequirementEntry[];
}

export interface ParseRequirementsOptions {
  /**
   * Base for the entry path and for relative paths in requirements (`./project`,
   * `name @ ./dist/x.whl`), as in pip and uv; `-r` / `-c` paths are relative to the file that
   * names them. Default: `process.cwd()`.
   */
  readonly workingDir?: string;
  /** Variables for `${NAME}`; default: `process.env`. */
  readonly env?: Environment;
  /** Default: the local file system, without remote files. */
  readonly reader?: RequirementsFileReader;
  /** Parse the file as a constraints file (pip's `-c FILE` on the command line). */
  readonly constraint?: boolean;
}

/**
 * Reads and parses the requirements file at `path` (a path relative to the working directory, or
 * an `http(s):`/`file:` URL) with everything it includes.
 * https://pip.pypa.io/en/stable/reference/requirements-file-format/
 *
 * Throws a `RequirementsFileError` naming the file and line of the first problem.
 */
export async function parseRequirementsFile(
  path: string,
  options: ParseRequirementsOptions = {},
): Promise<RequirementsTxt> {
  const workingDir = resolve(options.workingDir ?? process.cwd());
  const reader = options.reader ?? localFileReader;
  const lines = await readRequirementsLines(path, {
    workingDir,
    env: options.env ?? process.env,
    reader,
    constraint: options.constraint ?? false,
  });
  const result: RequirementsTxtBuilder = {
    ...emptyGlobalSettings(),
    requirements: [],
    constraints: [],
    editables: [],
  };
  for (const { line, file, constraint } of lines) {
    if (line.kind === "requirement") {
      await addRequirement(result, line, { workingDir, reader, constraint });
    } else {
      await addOptions(result, line.options, { file, reader });
    }
  }
  return result;
}

type RequirementsTxtBuilder = { -readonly [K in keyof RequirementsTxt]: RequirementsTxt[K] };

async function addRequirement(
  result: RequirementsTxtBuilder,
  line: Extract<RequirementsLine, { kind: "requirement" }>,
  context: { workingDir: string; reader: RequirementsFileReader; constraint: boolean },
): Promise<void> {
  const requirement = parseRequirementText(line.text, {
    workingDir: context.workingDir,
    location: line.location,
    column: line.column,
    editable: line.editable,
  });
  if (requirement.kind === "named" && /\.(txt|in)$/.test(line.text)) {
    if (await context.reader.exists(resolve(context.workingDir, line.text))) {
      throw lineError(
        "requirements-file-requirement",
        `\`${line.text}\` looks like a requirements file but is written as a package name`,
        line.location,
        { hint: `Did you mean \`-r ${line.text}\`?` },
      );
    }
  }
  const entry: RequirementEntry = {
    requirement,
    editable: line.editable,
    hashes: line.options.hashes,
    configSettings: line.options.configSettings,
    source: line.location,
  };
  if (!context.constraint) {
    (line.editable ? result.editables : result.requirements).push(entry);
    return;
  }
  if (line.editable) {
    throw lineError(
      "requirements-file-constraint",
      "Editable requirements are not allowed as constraints",
      line.location,
    );
  }
  if (requirement.kind === "unnamed") {
    throw lineError(
      "requirements-file-constraint",
      "Unnamed requirements are not allowed as constraints",
      line.location,
      { hint: "Name the package: `name @ url`" },
    );
  }
  result.constraints.push(entry);
}

async function addOptions(
  result: RequirementsTxtBuilder,
  options: LineOptions,
  context: { file: IncludedFile; reader: RequirementsFileReader },
): Promise<void> {
  if (options.indexUrl !== undefined) result.indexUrl = options.indexUrl;
  result.extraIndexUrls.push(...options.extraIndexUrls);
  for (const value of options.findLinks) {
    const { file, reader } = context;
    const besideFile = file.kind === "local" ? join(dirname(file.path), value) : undefined;
    result.findLinks.push(
      besideFile !== undefined && (await reader.exists(besideFile)) ? besideFile : value,
    );
  }
  result.noIndex ||= options.noIndex;
  result.pre ||= options.pre;
  result.preferBinary ||= options.preferBinary;
  result.requireHashes ||= options.requireHashes;
  result.trustedHosts.push(...options.trustedHosts);
  for (const feature of options.features) {
    if (!result.features.includes(feature)) result.features.push(feature);
  }
  // Each value was validated when its line was read, so replaying it cannot throw.
  for (const { option, value } of options.selections) {
    applySelectionOption(option, value, result.formatControl, result.releaseControl);
  }
}
