import { PackageName } from "../../src/normalize/index.ts";
import { Version, VersionSpecifiers } from "../../src/pep440/index.ts";
import {
  type MarkerEnvironment,
  markerEnvironmentFromRecord,
  Requirement,
  type VerbatimUrl,
} from "../../src/pep508/index.ts";
import type {
  DependenciesResult,
  DependencyProvider,
  UrlMetadataResult,
  VersionsResult,
} from "../../src/resolver/index.ts";
import type { ResolveOptions } from "../../src/resolver/options.ts";
import type { Candidate } from "../../src/resolver/provider.ts";

/** One version of an in-memory package: its requirements, or the full description. */
export type VersionSpec =
  | readonly string[]
  | {
      readonly requires?: readonly string[];
      readonly requiresPython?: string;
      readonly yanked?: boolean;
      /** Why no file of it is usable (the provider lists it as unavailable). */
      readonly unavailable?: string;
      /** Extra name → its requirements (written without markers; the provider adds them). */
      readonly extras?: Readonly<Record<string, readonly string[]>>;
    };

/** name → version → spec. */
export type Universe = Readonly<Record<string, Readonly<Record<string, VersionSpec>>>>;

/** A distribution at a URL: its name, version and requirements. */
export type UrlDist = { readonly version: string; readonly requires?: readonly string[] };

/**
 * A `DependencyProvider` over a fixed universe, answering asynchronously (like a real index),
 * and recording every call so tests can check what was fetched and when.
 */
export class InMemoryProvider implements DependencyProvider {
  readonly #packages = new Map<string, Map<string, VersionSpec>>();
  readonly #urls: ReadonlyMap<string, UrlDist>;
  readonly calls: string[] = [];

  constructor(universe: Universe, urls: Readonly<Record<string, UrlDist>> = {}) {
    for (const [name, versions] of Object.entries(universe)) {
      this.#packages.set(PackageName.parse(name), new Map(Object.entries(versions)));
    }
    this.#urls = new Map(Object.entries(urls));
  }

  async listVersions(name: PackageName): Promise<VersionsResult> {
    this.calls.push(`versions ${name}`);
    await Promise.resolve();
    const versions = this.#packages.get(name);
    if (versions === undefined) {
      return { kind: "not-found", reason: `No index has a project named \`${name}\`` };
    }
    const candidates: Candidate[] = [...versions].map(([text, spec]) => {
      const version = Version.parse(text);
      if (Array.isArray(spec)) return { version };
      const described = spec as Exclude<VersionSpec, readonly string[]>;
      return {
        version,
        ...(described.yanked ? { yanked: true } : {}),
        ...(described.unavailable ? { unavailable: described.unavailable } : {}),
      };
    });
    candidates.sort((a, b) => b.version.compare(a.version));
    return { kind: "found", candidates };
  }

  async getDependencies(name: PackageName, version: Version): Promise<DependenciesResult> {
    this.calls.push(`dependencies ${name}==${version}`);
    await Promise.resolve();
    const versions = this.#packages.get(name);
    const entry = [...(versions ?? [])].find(([text]) => Version.parse(text).equals(version));
    if (entry === undefined) throw new Error(`unknown ${name}==${version}`);
    return dependenciesOf(entry[1]);
  }

  async getUrlMetadata(name: PackageName, url: VerbatimUrl): Promise<UrlMetadataResult> {
    this.calls.push(`url ${name} ${url.given}`);
    await Promise.resolve();
    const dist = this.#urls.get(url.given);
    if (dist === undefined) return { kind: "unavailable", reason: `nothing at ${url.given}` };
    return {
      kind: "found",
      version: Version.parse(dist.version),
      dependencies: {
        kind: "available",
        requirements: (dist.requires ?? []).map((r) => Requirement.parse(r)),
      },
    };
  }
}

function dependenciesOf(spec: VersionSpec): DependenciesResult {
  if (Array.isArray(spec)) {
    return { kind: "available", requirements: spec.map((r: string) => Requirement.parse(r)) };
  }
  const described = spec as Exclude<VersionSpec, readonly string[]>;
  const requirements = (described.requires ?? []).map((r) => Requirement.parse(r));
  for (const [extra, list] of Object.entries(described.extras ?? {})) {
    for (const r of list) requirements.push(withExtraMarker(r, extra));
  }
  return {
    kind: "available",
    requirements,
    requiresPython:
      described.requiresPython === undefined
        ? undefined
        : VersionSpecifiers.parse(described.requiresPython),
  };
}

/** `r` guarded by `extra == "name"` (and'ed with its own marker), as METADATA writes it. */
export function withExtraMarker(r: string, extra: string): Requirement {
  const parsed = Requirement.parse(r);
  const guard = `extra == "${extra}"`;
  const text = parsed.marker === undefined ? guard : `(${parsed.marker}) and ${guard}`;
  const base = r.includes(";") ? r.slice(0, r.indexOf(";")) : r;
  return Requirement.parse(`${base.trim()}${base.includes("@") ? " " : ""}; ${text}`);
}

/** CPython 3.12.1 on x86-64 Linux. */
export const LINUX_312: MarkerEnvironment = markerEnvironmentFromRecord({
  implementation_name: "cpython",
  implementation_version: "3.12.1",
  os_name: "posix",
  platform_machine: "x86_64",
  platform_python_implementation: "CPython",
  platform_release: "6.1.0",
  platform_system: "Linux",
  platform_version: "#1 SMP",
  python_full_version: "3.12.1",
  python_version: "3.12",
  sys_platform: "linux",
});

/** Resolve options for `requirements` on `LINUX_312`, with `extra` merged in. */
export function optionsFor(
  requirements: readonly string[],
  extra: Partial<ResolveOptions> = {},
): ResolveOptions {
  return {
    requirements: requirements.map((r) => Requirement.parse(r)),
    environment: LINUX_312,
    pythonVersion: Version.parse(LINUX_312.python_full_version),
    ...extra,
  };
}
