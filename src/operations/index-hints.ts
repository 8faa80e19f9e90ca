import type { RegistryClient } from "../client/index.ts";
import type { PackageName } from "../normalize/index.ts";
import { compareVersions, type Version, type VersionRange } from "../pep440/index.ts";
import { NoSolutionError } from "../resolver/index.ts";

type Incompatibility = NoSolutionError["incompatibility"];

/**
 * A failed resolution with the first-index strategy's part told: for every package the report
 * says has no version in a range, when an index that the `first-index` strategy did not consult
 * for it (one after the index that had it) lists versions in that range, a hint names that
 * index (credentials redacted), the best such version, and the `--index-strategy` that would
 * consider it. Anything other than a `NoSolutionError` is returned as it is; so is the error when
 * no hint applies. The report itself is untouched: the hints join its own, after them.
 */
export async function withFirstIndexHints(
  error: unknown,
  client: RegistryClient,
): Promise<unknown> {
  if (!(error instanceof NoSolutionError)) return error;
  if (client.locations.strategy !== "first-index" || client.locations.indexes().length < 2) {
    return error;
  }
  const hints: string[] = [];
  for (const { name, range } of missingRanges(error.incompatibility)) {
    const hint = await firstIndexHint(client, name, range);
    if (hint !== undefined && !hints.includes(hint)) hints.push(hint);
  }
  if (hints.length === 0) return error;
  return new NoSolutionError(
    error.incompatibility,
    { report: error.report, hints: [...error.hints, ...hints] },
    error.split,
  );
}

/** The `no-versions` facts of the derivation tree: a package, and a range none of its versions is in. */
function missingRanges(root: Incompatibility): { name: PackageName; range: VersionRange }[] {
  const found: { name: PackageName; range: VersionRange }[] = [];
  const visited = new Set<Incompatibility>();
  const stack = [root];
  while (stack.length > 0) {
    const incompatibility = stack.pop()!;
    if (visited.has(incompatibility)) continue;
    visited.add(incompatibility);
    const { cause } = incompatibility;
    if (cause.kind === "derived") stack.push(cause.cause1, cause.cause2);
    else if (cause.kind === "no-versions" && "name" in cause.package) {
      found.push({ name: cause.package.name, range: cause.range });
    }
  }
  return found;
}

async function firstIndexHint(
  client: RegistryClient,
  name: PackageName,
  range: VersionRange,
): Promise<string | undefined> {
  const { index } = await client.simple(name);
  if (index === undefined) return undefined;
  for (const { index: other, project } of await client.unconsulted(name)) {
    const fitting: Version[] = [];
    for (const file of project.files) {
      const dist = file.distFilename;
      if (dist.kind === "legacy" || file.yanked !== undefined) continue;
      if (range.contains(dist.filename.version)) fitting.push(dist.filename.version);
    }
    const best = bestVersion(fitting);
    if (best === undefined) continue;
    return `\`${name}==${best}\` is on ${other.redacted}, which the first-index strategy did not consult for ${name} (it was found first on ${index.redacted}); \`--index-strategy unsafe-best-match\` would consider it`;
  }
  return undefined;
}

/** The highest stable version, else the highest pre-release. */
function bestVersion(versions: readonly Version[]): Version | undefined {
  const sorted = [...versions].sort(compareVersions).reverse();
  return sorted.find((version) => !version.isPrerelease()) ?? sorted[0];
}
