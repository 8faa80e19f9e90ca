import type { PackageName } from "../normalize/index.ts";

/**
 * Where a requirement of `pip compile` came from, for the `# via` annotations of its output:
 * a requirements file (as the user named it, or as an include is displayed), or the `[project]`
 * table of a `pyproject.toml`.
 */
export type RequirementOrigin =
  | { readonly kind: "file"; readonly path: string }
  | { readonly kind: "project"; readonly path: string; readonly name: PackageName };

/** Why a package appears in the output besides its dependents: which input named it, and how. */
export interface SourceAnnotation {
  readonly kind: "constraint" | "override" | "requirement";
  readonly origin: RequirementOrigin;
}

/**
 * The annotation as uv writes it: `-r requirements.in`, `-c constraints.txt`,
 * `--override overrides.txt`, `name (pyproject.toml)`, `--override name (pyproject.toml)`; a
 * constraint names only its file.
 */
export function formatSourceAnnotation(annotation: SourceAnnotation): string {
  const { origin } = annotation;
  switch (annotation.kind) {
    case "constraint":
      return `-c ${origin.path}`;
    case "override":
      return origin.kind === "file"
        ? `--override ${origin.path}`
        : `--override ${origin.name} (${origin.path})`;
    case "requirement":
      return origin.kind === "file" ? `-r ${origin.path}` : `${origin.name} (${origin.path})`;
  }
}

const KIND_ORDER = { constraint: 0, override: 1, requirement: 2 } as const;
const ORIGIN_ORDER = { file: 0, project: 1 } as const;

/** uv's order: constraints, then overrides, then requirements; files before projects; by path. */
export function compareSourceAnnotations(a: SourceAnnotation, b: SourceAnnotation): number {
  return (
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    ORIGIN_ORDER[a.origin.kind] - ORIGIN_ORDER[b.origin.kind] ||
    compareText(a.origin.path, b.origin.path) ||
    compareText(
      a.origin.kind === "project" ? a.origin.name : "",
      b.origin.kind === "project" ? b.origin.name : "",
    )
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The source annotations of every package, each package's set sorted and without repeats. */
export class SourceAnnotations {
  readonly #byName = new Map<PackageName, SourceAnnotation[]>();

  add(name: PackageName, annotation: SourceAnnotation): void {
    const list = this.#byName.get(name) ?? [];
    if (!list.some((seen) => compareSourceAnnotations(seen, annotation) === 0)) {
      list.push(annotation);
      list.sort(compareSourceAnnotations);
    }
    this.#byName.set(name, list);
  }

  get(name: PackageName): readonly SourceAnnotation[] {
    return this.#byName.get(name) ?? [];
  }
}
