import type { InstalledDist } from "../distribution-types/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { Version } from "../pep440/index.ts";
import type { MarkerEnvironment, Requirement } from "../pep508/index.ts";
import { installedMetadata, type SitePackages } from "./site-packages.ts";

/** One problem `pip check` reports. */
export type EnvironmentDiagnostic =
  | { readonly kind: "missing"; readonly dist: InstalledDist; readonly requirement: Requirement }
  | {
      readonly kind: "incompatible";
      readonly dist: InstalledDist;
      readonly requirement: Requirement;
      readonly installed: Version;
    }
  | {
      readonly kind: "duplicate";
      readonly name: PackageName;
      readonly dists: readonly InstalledDist[];
    };

/** The requirements of every installed distribution that apply here (markers, no extras). */
export async function installedRequirements(
  site: SitePackages,
  markers: MarkerEnvironment,
): Promise<Map<InstalledDist, Requirement[]>> {
  const dists = site.dists();
  const metadata = await Promise.all(dists.map((dist) => installedMetadata(dist)));
  const result = new Map<InstalledDist, Requirement[]>();
  dists.forEach((dist, i) => {
    result.set(
      dist,
      metadata[i]!.requiresDist.filter(
        (requirement) => requirement.marker?.evaluate(markers, []) ?? true,
      ),
    );
  });
  return result;
}

/**
 * What is broken in an environment, as `pip check` (and uv's) reports it: a requirement (under
 * this interpreter's markers, without extras) that is not installed, or installed in a version
 * its specifiers exclude, and names installed more than once. URL requirements only need the
 * name to be installed.
 */
export async function checkEnvironment(
  site: SitePackages,
  markers: MarkerEnvironment,
): Promise<EnvironmentDiagnostic[]> {
  const diagnostics: EnvironmentDiagnostic[] = [];
  for (const [dist, requirements] of await installedRequirements(site, markers)) {
    for (const requirement of requirements) {
      const installed = site.get(requirement.name)[0];
      if (installed === undefined) {
        diagnostics.push({ kind: "missing", dist, requirement });
      } else if (
        requirement.version.kind === "specifiers" &&
        !requirement.version.specifiers.contains(installed.version)
      ) {
        diagnostics.push({ kind: "incompatible", dist, requirement, installed: installed.version });
      }
    }
  }
  for (const [name, dists] of site.duplicates())
    diagnostics.push({ kind: "duplicate", name, dists });
  return diagnostics;
}
