import { ExtraName } from "../normalize/index.ts";
import { MarkerTree, Pep508Error, Requirement, VerbatimUrl } from "../pep508/index.ts";
import { redactCredentials } from "../support/index.ts";
import { lineError, type SourceLocation } from "./error.ts";

/**
 * A requirement without a name, which pip accepts in requirements files though PEP 508 does
 * not: a URL (`https://host/pkg-1.0.tar.gz`, `git+https://host/repo#egg=pkg`) or a local path
 * (`./project`, `dist/pkg-1.0-py3-none-any.whl`), with optional `[extras]` and `; marker`. Its
 * name is learnt later, from the artifact.
 */
export interface UnnamedRequirement {
  readonly url: VerbatimUrl;
  /** Normalized, deduplicated, sorted. */
  readonly extras: readonly ExtraName[];
  readonly marker: MarkerTree | undefined;
}

/** What a requirement line asks for. */
export type RequirementsTxtRequirement =
  | { readonly kind: "named"; readonly requirement: Requirement }
  | { readonly kind: "unnamed"; readonly requirement: UnnamedRequirement };

/**
 * URL schemes that make a requirement a URL (pip's `is_url`): the archive schemes and the VCS
 * ones (`git+https:`, `hg+ssh:`, `svn:`…).
 */
const URL_REQUIREMENT = /^(?:https?|file|ftp|(?:git|hg|svn|bzr)(?:\+[a-z-]+)?):/i;
const VCS_URL = /^(?:git|hg|svn|bzr)(?:\+[a-z-]+)?:/i;

/** Archive suffixes that make a bare word a file (pip's `ARCHIVE_EXTENSIONS`, plus `.tar.zst`). */
const ARCHIVE_SUFFIXES = [
  ".whl",
  ".zip",
  ".tar.gz",
  ".tgz",
  ".tar",
  ".tar.bz2",
  ".tbz",
  ".tar.xz",
  ".txz",
  ".tlz",
  ".tar.lz",
  ".tar.lzma",
  ".tar.zst",
];

/** Trailing `[extras]` on a path or URL (pip's `_strip_extras`). */
const TRAILING_EXTRAS = /^(.+?)\s*\[([^\]]*)\]$/s;

export interface RequirementTextContext {
  /** Base for relative paths in requirements: the working directory, as in pip and uv. */
  readonly workingDir: string;
  readonly location: SourceLocation;
  /** 1-based column of the text on its line, to place errors. */
  readonly column: number;
  readonly editable: boolean;
}

/**
 * Reads a requirement's text. It is unnamed when it starts with a URL scheme, or, like pip
 * decides it, when the part before any marker and extras looks like a path (contains `/` or
 * `\`, or starts with `.`) or ends in an archive suffix — unless it has an `@` with a name before
 * it (`name@https://…` is PEP 508). Everything else is PEP 508. The value of `-e` is always a
 * path or URL (`-e project` means `./project`, as in uv), and must be a local path, a `file:`
 * URL or a VCS URL.
 */
export function parseRequirementText(
  text: string,
  context: RequirementTextContext,
): RequirementsTxtRequirement {
  const isUrl = URL_REQUIREMENT.test(text);
  if (context.editable) {
    if (isUrl && !VCS_URL.test(text) && !/^file:/i.test(text)) {
      throw lineError(
        "requirements-file-editable",
        `Editable requirement \`${redactCredentials(text)}\` must be a local directory or a VCS URL`,
        context.location,
        { hint: "VCS URLs start with `git+`, `hg+`, `svn+` or `bzr+`" },
      );
    }
    return { kind: "unnamed", requirement: parseUnnamed(text, isUrl, context) };
  }
  if (isUrl || looksLikePath(text)) {
    return { kind: "unnamed", requirement: parseUnnamed(text, isUrl, context) };
  }
  try {
    return {
      kind: "named",
      requirement: Requirement.parse(text, { workingDirectory: context.workingDir }),
    };
  } catch (error) {
    throw requirementError(text, context, error);
  }
}

function looksLikePath(text: string): boolean {
  const semicolon = text.indexOf(";");
  let head = (semicolon === -1 ? text : text.slice(0, semicolon)).trim();
  head = TRAILING_EXTRAS.exec(head)?.[1] ?? head;
  const at = head.indexOf("@");
  if (at !== -1 && !hasPathShape(head.slice(0, at))) return false;
  if (hasPathShape(head)) return true;
  const lower = head.toLowerCase();
  return ARCHIVE_SUFFIXES.some((suffix) => lower.endsWith(suffix));
}

function hasPathShape(text: string): boolean {
  return text.includes("/") || text.includes("\\") || text.startsWith(".");
}

/**
 * `location [extras] [; marker]`. A URL's marker needs whitespace next to its `;` (pip splits
 * URLs at `; `), since `;` may occur inside a URL; a path's marker starts at the first `;`.
 */
function parseUnnamed(
  text: string,
  isUrl: boolean,
  context: RequirementTextContext,
): UnnamedRequirement {
  const split = isUrl ? /\s;|;\s/.exec(text) : /;/.exec(text);
  let location = (split === null ? text : text.slice(0, split.index)).trim();
  const markerStart = split === null ? -1 : text.indexOf(";", split.index);
  const markerText = markerStart === -1 ? "" : text.slice(markerStart + 1).trim();

  let extras: ExtraName[] = [];
  const withExtras = TRAILING_EXTRAS.exec(location);
  if (withExtras !== null) {
    location = withExtras[1]!;
    try {
      const names = withExtras[2]!.split(",").map((extra) => extra.trim());
      extras = [...new Set(names.filter((n) => n !== "").map((n) => ExtraName.parse(n)))].sort();
    } catch (error) {
      throw requirementError(text, context, error);
    }
  }

  let marker: MarkerTree | undefined;
  if (markerText !== "") {
    try {
      marker = MarkerTree.parse(markerText);
    } catch (error) {
      throw requirementError(
        text,
        context,
        error,
        markerStart + 1 + leadingSpace(text, markerStart + 1),
      );
    }
  }

  try {
    return { url: VerbatimUrl.parse(location, context.workingDir), extras, marker };
  } catch (error) {
    throw requirementError(text, context, error);
  }
}

function leadingSpace(text: string, from: number): number {
  const rest = text.slice(from);
  return rest.length - rest.trimStart().length;
}

/** The error for an unreadable requirement, at the column of the problem when known. */
function requirementError(
  text: string,
  context: RequirementTextContext,
  cause: unknown,
  offset = 0,
) {
  const at = cause instanceof Pep508Error ? offset + cause.start : offset;
  return lineError(
    "requirements-file-requirement",
    `Couldn't parse requirement \`${redactCredentials(text)}\``,
    context.location,
    { column: context.column + at, cause },
  );
}
