import { redactCredentials } from "../support/index.ts";
import { lineError, type SourceLocation } from "./error.ts";
import { type LineOptions, optionScope, parseLineOptions } from "./line-options.ts";
import type { LogicalLine } from "./logical-lines.ts";
import { splitShellWords } from "./shell-words.ts";

/**
 * One logical line of a requirements file, understood (pip's `ParsedLine`):
 *
 * - `requirement`: a requirement (or, with `editable`, the value of `-e`), as text still to be
 *   parsed, with its per-requirement options (`--hash`, `--config-settings`);
 * - `include`: `-r FILE` or `-c FILE`, alone on its line;
 * - `options`: global options such as `--index-url`, any number of them.
 */
export type RequirementsLine =
  | {
      readonly kind: "requirement";
      readonly location: SourceLocation;
      readonly text: string;
      /** 1-based column of `text` on its line. */
      readonly column: number;
      readonly editable: boolean;
      readonly options: LineOptions;
    }
  | {
      readonly kind: "include";
      readonly location: SourceLocation;
      readonly path: string;
      readonly constraint: boolean;
    }
  | { readonly kind: "options"; readonly location: SourceLocation; readonly options: LineOptions };

/**
 * Splits a logical line into its requirement and options the way pip does
 * (`break_args_options`): words separated by single spaces up to the first word starting with
 * `-` are the requirement; the rest is shell-split into options.
 */
export function parseRequirementsLine(logical: LogicalLine, file: string): RequirementsLine {
  const location = { file, line: logical.line };
  const words = logical.text.split(" ");
  let firstOption = words.findIndex((word) => word.startsWith("-"));
  if (firstOption === -1) firstOption = words.length;
  const text = words.slice(0, firstOption).join(" ");
  const optionText = words.slice(firstOption).join(" ");
  const optionWords = splitShellWords(optionText);
  if (optionWords === undefined) {
    throw lineError(
      "requirements-file-syntax",
      `Could not split options \`${redactCredentials(optionText)}\` (unclosed quote or trailing backslash)`,
      location,
    );
  }
  const options = parseLineOptions(optionWords, location);

  if (text !== "") {
    rejectOptions(
      options,
      location,
      (name) => optionScope(name) === "global" || optionScope(name) === "include",
      "on a requirement line",
    );
    if (options.editables.length > 0) {
      throw lineError(
        "requirements-file-option",
        "`-e` cannot follow a requirement on the same line; one requirement per line",
        location,
      );
    }
    return {
      kind: "requirement",
      location,
      text,
      column: logical.column,
      editable: false,
      options,
    };
  }

  if (options.editables.length > 0) {
    if (options.editables.length > 1) {
      throw lineError("requirements-file-option", "Only one `-e` per line", location);
    }
    rejectOptions(
      options,
      location,
      (name) => name !== "--editable" && name !== "--config-settings",
      "on an editable line",
    );
    return {
      kind: "requirement",
      location,
      text: options.editables[0]!,
      column: logical.column + Math.max(0, logical.text.indexOf(options.editables[0]!)),
      editable: true,
      options,
    };
  }

  const includes = options.requirements.length + options.constraints.length;
  if (includes > 0) {
    if (includes > 1 || options.given.length > 1) {
      throw lineError(
        "requirements-file-option",
        "`-r` and `-c` must be alone on their line",
        location,
        { hint: "Write each `-r FILE` or `-c FILE` on a line of its own" },
      );
    }
    const constraint = options.constraints.length > 0;
    const path = constraint ? options.constraints[0]! : options.requirements[0]!;
    return { kind: "include", location, path, constraint };
  }

  const perRequirement = options.given.find((name) => optionScope(name) !== "global");
  if (perRequirement !== undefined) {
    throw lineError(
      "requirements-file-option",
      `\`${perRequirement}\` must follow a requirement on the same line`,
      location,
      { hint: "If it belongs to the requirement above, end that line with `\\` to continue it" },
    );
  }
  return { kind: "options", location, options };
}

function rejectOptions(
  options: LineOptions,
  location: SourceLocation,
  forbidden: (name: string) => boolean,
  where: string,
): void {
  const name = options.given.find(forbidden);
  if (name === undefined) return;
  throw lineError("requirements-file-option", `\`${name}\` is not allowed ${where}`, location, {
    hint:
      optionScope(name) === "global" || optionScope(name) === "include"
        ? `Put \`${name}\` on a line of its own`
        : undefined,
  });
}
