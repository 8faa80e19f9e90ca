import type { ExtraName, PackageName } from "../normalize/index.ts";
import type { Version } from "../pep440/index.ts";
import { MarkerSet, type Requirement, type VerbatimUrl } from "../pep508/index.ts";
import type { DependenciesResult } from "./provider.ts";
import type { RegistryProvider } from "./registry-provider.ts";

/**
 * What a resolution chose that the user should hear about, without it being an error (uv's
 * resolution diagnostics): the CLI prints each as a `warning: …`.
 *
 * - `yanked`: a PEP 592 yanked version, chosen because a requirement pins it with `==` (or a
 *   `pip sync` pin names it), with the index's reason when it gives one;
 * - `missing-extra`: a requirement asks for an extra that the chosen version does not provide
 *   (neither in `Provides-Extra` nor in a `Requires-Dist` marker), so it brings nothing.
 */
export type ResolutionDiagnostic =
  | {
      readonly kind: "yanked";
      readonly name: PackageName;
      readonly version: Version;
      readonly reason: string | undefined;
    }
  | {
      readonly kind: "missing-extra";
      readonly name: PackageName;
      readonly version: Version;
      readonly extra: ExtraName;
    };

/** A resolved package as far as its diagnostics go. */
export interface DiagnosedPackage {
  readonly name: PackageName;
  readonly version: Version;
  /** Set when the package comes from a URL (never yanked; its extras come from its metadata). */
  readonly url: VerbatimUrl | undefined;
  /** The extras requirements asked for. */
  readonly extras: readonly ExtraName[];
}

/**
 * The diagnostics of resolved packages, read from the provider's (memoized) answers: once per
 * package version and extra, sorted by name. A universal resolution may hold a package at
 * several versions; each is told.
 */
export async function resolutionDiagnostics(
  provider: RegistryProvider,
  packages: readonly DiagnosedPackage[],
): Promise<ResolutionDiagnostic[]> {
  const seen = new Set<string>();
  const unique = packages.filter((p) => {
    const key = `${p.name} ${p.version} ${p.url?.given ?? ""} ${p.extras.join(",")}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const found = await Promise.all(unique.map((p) => diagnosticsOf(provider, p)));
  const diagnostics: ResolutionDiagnostic[] = [];
  const told = new Set<string>();
  for (const d of found.flat()) {
    const key = `${d.kind} ${d.name} ${d.version} ${d.kind === "missing-extra" ? d.extra : ""}`;
    if (told.has(key)) continue;
    told.add(key);
    diagnostics.push(d);
  }
  return diagnostics.sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : a.version.compare(b.version),
  );
}

async function diagnosticsOf(
  provider: RegistryProvider,
  p: DiagnosedPackage,
): Promise<ResolutionDiagnostic[]> {
  const diagnostics: ResolutionDiagnostic[] = [];
  if (p.url === undefined) {
    const yanked = await provider.yanked(p.name, p.version);
    if (yanked !== undefined) {
      diagnostics.push({ kind: "yanked", name: p.name, version: p.version, reason: yanked.reason });
    }
  }
  if (p.extras.length > 0) {
    const dependencies = await dependenciesOf(provider, p);
    if (dependencies?.kind === "available") {
      for (const extra of p.extras) {
        if (!provides(dependencies, extra)) {
          diagnostics.push({ kind: "missing-extra", name: p.name, version: p.version, extra });
        }
      }
    }
  }
  return diagnostics;
}

async function dependenciesOf(
  provider: RegistryProvider,
  p: DiagnosedPackage,
): Promise<DependenciesResult | undefined> {
  if (p.url === undefined) return provider.getDependencies(p.name, p.version);
  const read = await provider.getUrlMetadata(p.name, p.url);
  return read.kind === "found" ? read.dependencies : undefined;
}

/**
 * Whether the metadata provides `extra`: its `Provides-Extra` lists it, or (metadata older than
 * 2.1 has no `Provides-Extra`) a requirement's marker depends on it.
 */
function provides(
  dependencies: Extract<DependenciesResult, { kind: "available" }>,
  extra: ExtraName,
): boolean {
  if (dependencies.providesExtra?.includes(extra) === true) return true;
  return dependencies.requirements.some((r) => mentions(r, extra));
}

function mentions(requirement: Requirement, extra: ExtraName): boolean {
  if (requirement.marker === undefined) return false;
  const set = MarkerSet.from(requirement.marker);
  return !set.withExtra(extra).equals(set.withExtra(undefined));
}
