import type { ExtraName, PackageName } from "../normalize/index.ts";

/**
 * What the solver assigns versions to. Besides real packages there are three virtual kinds, so
 * that every constraint is a PubGrub dependency and every conflict is reported the same way:
 *
 * - `root`: the user's requirements, the one package with a fixed version;
 * - `python`: the target interpreter; a version's `Requires-Python` is a dependency on it (its
 *   lower bound: see `requires-python.ts`), and
 *   the target version is the only version that exists;
 * - `extra`: `black[d]` at version V depends on `black` at exactly V plus the requirements the
 *   extra enables, so two extras of one package can never pick different versions.
 *
 * Packages are interned by `key` (see `PackageTable`), so they compare by identity.
 */
export type ResolverPackage =
  | { readonly kind: "root"; readonly key: string }
  | { readonly kind: "python"; readonly key: string }
  | { readonly kind: "package"; readonly key: string; readonly name: PackageName }
  | {
      readonly kind: "extra";
      readonly key: string;
      readonly name: PackageName;
      readonly extra: ExtraName;
    };

/** A real package or one of its extras: the kinds whose versions come from the provider. */
export type NamedPackage = Extract<ResolverPackage, { readonly name: PackageName }>;

/** Interns packages so that each exists once and compares by identity. */
export class PackageTable {
  readonly root: ResolverPackage = { kind: "root", key: "\u0000root" };
  readonly python: ResolverPackage = { kind: "python", key: "\u0000python" };
  readonly #packages = new Map<string, NamedPackage>();

  package(name: PackageName): NamedPackage {
    let found = this.#packages.get(name);
    if (found === undefined) {
      found = { kind: "package", key: name, name };
      this.#packages.set(name, found);
    }
    return found;
  }

  extra(name: PackageName, extra: ExtraName): NamedPackage {
    const key = `${name}[${extra}]`;
    let found = this.#packages.get(key);
    if (found === undefined) {
      found = { kind: "extra", key, name, extra };
      this.#packages.set(key, found);
    }
    return found;
  }
}

/** How a package is named in messages: `black`, `black[d]`, `Python`, `your requirements`. */
export function packageLabel(p: ResolverPackage): string {
  switch (p.kind) {
    case "root":
      return "your requirements";
    case "python":
      return "Python";
    case "package":
      return p.name;
    case "extra":
      return `${p.name}[${p.extra}]`;
  }
}
