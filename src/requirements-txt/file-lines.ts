import { PuffinError } from "../support/index.ts";
import { decodeRequirementsFile } from "./decode.ts";
import { lineError, RequirementsFileError, type SourceLocation } from "./error.ts";
import { entryFile, fileIdentity, type IncludedFile, includedFile } from "./included-file.ts";
import { type Environment, logicalLines } from "./logical-lines.ts";
import { REQUIREMENTS_FILE_LIMIT, type RequirementsFileReader } from "./reader.ts";
import { parseRequirementsLine, type RequirementsLine } from "./requirements-line.ts";

/** A requirement or options line, with the file it came from and whether `-c` brought it in. */
export interface FileLine {
  readonly line: Exclude<RequirementsLine, { kind: "include" }>;
  readonly file: IncludedFile;
  readonly constraint: boolean;
}

export interface ReadLinesOptions {
  /** Base for a relative entry path. */
  readonly workingDir: string;
  readonly env: Environment;
  readonly reader: RequirementsFileReader;
  /** Read the entry file as a constraints file (pip's `-c` on the command line). */
  readonly constraint: boolean;
}

/**
 * Every requirement and options line of `target` with its `-r` / `-c` includes expanded in place,
 * in file order (pip's `RequirementsFileParser.parse`). A file may be included more than once,
 * but not inside itself. Everything below a `-c` is a constraint, including what its own `-r`
 * lines bring in: pip would read those as requirements, uv reads them as constraints, and a
 * constraints file that adds requirements is more surprising than useful.
 */
export async function readRequirementsLines(
  target: string,
  options: ReadLinesOptions,
): Promise<FileLine[]> {
  const lines: FileLine[] = [];
  await readInto(lines, entryFile(target, options.workingDir), {
    ...options,
    ancestors: [],
    includedAt: undefined,
  });
  return lines;
}

interface ReadState extends ReadLinesOptions {
  /** Files currently being read, outermost first, to detect cycles. */
  readonly ancestors: readonly IncludedFile[];
  /** The `-r` / `-c` line that included this file, for read errors. */
  readonly includedAt: SourceLocation | undefined;
}

async function readInto(lines: FileLine[], file: IncludedFile, state: ReadState): Promise<void> {
  const text = decodeRequirementsFile(await readBytes(file, state), file.display);
  const ancestors = [...state.ancestors, file];
  for (const logical of logicalLines(text, state.env)) {
    const line = parseRequirementsLine(logical, file.display);
    if (line.kind !== "include") {
      lines.push({ line, file, constraint: state.constraint });
      continue;
    }
    const included = includedFile(line.path, file);
    const identity = fileIdentity(included);
    const cycleStart = ancestors.findIndex((ancestor) => fileIdentity(ancestor) === identity);
    if (cycleStart !== -1) {
      const chain = [...ancestors.slice(cycleStart), included].map((f) => f.display);
      throw lineError(
        "requirements-file-include-cycle",
        `Requirements file \`${included.display}\` includes itself (${chain.join(" -> ")})`,
        line.location,
      );
    }
    await readInto(lines, included, {
      ...state,
      constraint: state.constraint || line.constraint,
      ancestors,
      includedAt: line.location,
    });
  }
}

async function readBytes(file: IncludedFile, state: ReadState): Promise<Uint8Array> {
  const where =
    state.includedAt === undefined
      ? ""
      : ` (included at ${state.includedAt.file}:${state.includedAt.line})`;
  const errorOptions =
    state.includedAt === undefined
      ? { file: file.display }
      : { file: state.includedAt.file, line: state.includedAt.line };
  if (file.kind === "remote") {
    if (state.reader.fetch === undefined) {
      throw new RequirementsFileError(
        "requirements-file-remote",
        `Remote requirements files are not supported yet: \`${file.display}\`${where}`,
        { ...errorOptions, hint: "Download the file and pass its local path instead" },
      );
    }
    try {
      return await state.reader.fetch(file.url);
    } catch (cause) {
      throw new RequirementsFileError(
        "requirements-file-read",
        `Couldn't fetch requirements file \`${file.display}\`${where}`,
        { ...errorOptions, cause },
      );
    }
  }
  try {
    return await state.reader.readFile(file.path);
  } catch (cause) {
    if (cause instanceof PuffinError && cause.code === "requirements-too-large") {
      throw new RequirementsFileError(
        cause.code,
        `Requirements file \`${file.display}\` is larger than ${REQUIREMENTS_FILE_LIMIT / (1024 * 1024)} MiB${where}`,
        errorOptions,
      );
    }
    const missing = (cause as NodeJS.ErrnoException).code === "ENOENT";
    throw new RequirementsFileError(
      "requirements-file-read",
      missing
        ? `Requirements file \`${file.display}\` does not exist${where}`
        : `Couldn't read requirements file \`${file.display}\`${where}`,
      { ...errorOptions, cause },
    );
  }
}
