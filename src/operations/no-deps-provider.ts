import type { PackageName } from "../normalize/index.ts";
import type { Version } from "../pep440/index.ts";
import type { VerbatimUrl } from "../pep508/index.ts";
import type {
  DependenciesResult,
  DependencyProvider,
  UrlMetadataResult,
  VersionsResult,
} from "../resolver/index.ts";

/**
 * `--no-deps`: the packages the user names are resolved and nothing they depend on. Every
 * version keeps its `Requires-Python` (it still has to run on the target); its requirements are
 * left out.
 */
export class DirectOnlyProvider implements DependencyProvider {
  readonly #inner: DependencyProvider;

  constructor(inner: DependencyProvider) {
    this.#inner = inner;
  }

  listVersions(name: PackageName): Promise<VersionsResult> {
    return this.#inner.listVersions(name);
  }

  async getDependencies(name: PackageName, version: Version): Promise<DependenciesResult> {
    return withoutRequirements(await this.#inner.getDependencies(name, version));
  }

  async getUrlMetadata(name: PackageName, url: VerbatimUrl): Promise<UrlMetadataResult> {
    const result = await this.#inner.getUrlMetadata(name, url);
    if (result.kind !== "found") return result;
    return { ...result, dependencies: withoutRequirements(result.dependencies) };
  }
}

function withoutRequirements(result: DependenciesResult): DependenciesResult {
  return result.kind === "available" ? { ...result, requirements: [] } : result;
}
