import { GroupName } from "../normalize/index.ts";
import { Requirement } from "../pep508/index.ts";
import { PuffinError } from "../support/index.ts";

/**
 * The `[dependency-groups]` table of a `pyproject.toml` (PEP 735): named lists of PEP 508
 * requirements, never part of the project's metadata, a group may include another with
 * `{include-group = "name"}`.
 *
 * Reading the table checks only its shape (a table whose keys are valid names, distinct once
 * normalized); a group's entries are checked when that group is expanded (`requirements`), as
 * the specification asks: a broken group that nobody requests does not fail the others.
 * https://packaging.python.org/en/latest/specifications/dependency-groups/
 */
export class DependencyGroups {
  /** The groups by normalized name, with the name as written (for messages) and the raw value. */
  readonly #groups: ReadonlyMap<GroupName, { readonly written: string; readonly value: unknown }>;
  /** The file as the user named it, for messages. */
  readonly #path: string;

  private constructor(
    groups: ReadonlyMap<GroupName, { readonly written: string; readonly value: unknown }>,
    path: string,
  ) {
    this.#groups = groups;
    this.#path = path;
  }

  /**
   * The table `document["dependency-groups"]` of the parsed file `path` (none: no groups).
   * Throws `invalid-dependency-groups` when it is not a table, a key is not a valid name, or two
   * keys normalize to the same name.
   */
  static read(document: Readonly<Record<string, unknown>>, path: string): DependencyGroups {
    const table = document["dependency-groups"];
    const groups = new Map<GroupName, { written: string; value: unknown }>();
    if (table === undefined) return new DependencyGroups(groups, path);
    if (typeof table !== "object" || table === null || Array.isArray(table)) {
      throw invalid(path, "`[dependency-groups]` must be a table");
    }
    for (const [written, value] of Object.entries(table)) {
      let name: GroupName;
      try {
        name = GroupName.parse(written);
      } catch (error) {
        throw invalid(path, `\`${written}\` is not a valid dependency group name`, error);
      }
      const previous = groups.get(name);
      if (previous !== undefined) {
        throw invalid(
          path,
          `the dependency groups \`${previous.written}\` and \`${written}\` have the same normalized name \`${name}\``,
        );
      }
      groups.set(name, { written, value });
    }
    return new DependencyGroups(groups, path);
  }

  /** The groups' normalized names, in the file's order. */
  names(): GroupName[] {
    return [...this.#groups.keys()];
  }

  has(name: GroupName): boolean {
    return this.#groups.has(name);
  }

  /**
   * The requirements of group `name` (which must exist), its includes expanded in place, in
   * order, duplicates kept (the specification forbids deduplicating). Relative paths in
   * requirements are taken from `cwd`. Throws `invalid-dependency-groups` for an entry that is
   * neither a requirement string nor an `{include-group = "…"}` table, or a string that is not a
   * valid PEP 508 requirement; `dependency-group-include-not-found` for an include of a group
   * the table does not define; `dependency-group-cycle` for a group that includes itself,
   * directly or not. Each message names the file and the group.
   */
  requirements(name: GroupName, cwd: string): Requirement[] {
    const result: Requirement[] = [];
    this.#expand(name, [], cwd, result);
    return result;
  }

  #expand(name: GroupName, stack: readonly GroupName[], cwd: string, into: Requirement[]): void {
    const group = this.#groups.get(name);
    if (group === undefined) throw new Error(`dependency group ${name} is not defined`);
    const { written, value } = group;
    const path = this.#path;
    if (!Array.isArray(value)) {
      throw invalid(path, `dependency group \`${written}\` must be a list`);
    }
    value.forEach((entry: unknown, index) => {
      if (typeof entry === "string") {
        try {
          into.push(Requirement.parse(entry, { workingDirectory: cwd }));
        } catch (error) {
          throw invalid(
            path,
            `invalid requirement in dependency group \`${written}\`: \`${entry}\``,
            error,
          );
        }
        return;
      }
      const include = includedGroup(entry);
      if (include === undefined) {
        throw invalid(
          path,
          `entry ${index + 1} of dependency group \`${written}\` is neither a requirement string nor an \`{include-group = "…"}\` table`,
        );
      }
      let included: GroupName;
      try {
        included = GroupName.parse(include);
      } catch (error) {
        throw invalid(
          path,
          `dependency group \`${written}\` includes \`${include}\`, which is not a valid group name`,
          error,
        );
      }
      const target = this.#groups.get(included);
      if (target === undefined) {
        throw new PuffinError(
          "dependency-group-include-not-found",
          `\`${path}\`: dependency group \`${written}\` includes \`${include}\`, which \`[dependency-groups]\` does not define`,
        );
      }
      const chain = [...stack, name];
      if (chain.includes(included)) {
        const cycle = [...chain.slice(chain.indexOf(included)), included];
        throw new PuffinError(
          "dependency-group-cycle",
          `\`${path}\`: dependency group \`${target.written}\` includes itself: ${cycle.map((g) => `\`${this.#groups.get(g)!.written}\``).join(" -> ")}`,
        );
      }
      this.#expand(included, chain, cwd, into);
    });
  }
}

/** The name of an `{include-group = "name"}` table (exactly that one key, a string). */
function includedGroup(entry: unknown): string | undefined {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return undefined;
  const keys = Object.keys(entry);
  const value = (entry as Record<string, unknown>)["include-group"];
  return keys.length === 1 && typeof value === "string" ? value : undefined;
}

function invalid(path: string, problem: string, cause?: unknown): PuffinError {
  return new PuffinError(
    "invalid-dependency-groups",
    `\`${path}\`: ${problem}`,
    cause === undefined ? {} : { cause },
  );
}
