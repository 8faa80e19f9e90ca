import {
  type Dist,
  type IndexLocations,
  isRegistryDist,
  type RegistryFile,
} from "../distribution-types/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { Version } from "../pep440/index.ts";
import type { MarkerSet } from "../pep508/index.ts";
import { preferredHash } from "../pypi-types/index.ts";
import type { RegistryProvider } from "../resolver/index.ts";
import { stripCredentials } from "../support/index.ts";
import { type SourceAnnotation, SourceAnnotations } from "./annotations.ts";
import type { RequirementSources, SourcedRequirement } from "./requirement-sources.ts";
import {
  type AnnotationStyle,
  type OutputPin,
  renderRequirementsTxt,
} from "./requirements-output.ts";

/** `--format`: what `pip compile` writes. */
export type OutputFormat = "requirements.txt" | "pylock.toml";

/** How `pip compile` writes its output. */
export interface CompileOutputSettings {
  /** `--format`; `undefined`: `pylock.toml` when `-o` names a lock file, else requirements.txt. */
  readonly format?: OutputFormat | undefined;
  /** `-o FILE`: written too (atomically); its pins are preferred unless upgraded. */
  readonly outputFile: string | undefined;
  /** The header's command line (`--no-header`: undefined). */
  readonly headerCommand: string | undefined;
  readonly annotate: boolean;
  readonly annotationStyle: AnnotationStyle;
  readonly generateHashes: boolean;
  readonly emitIndexUrl: boolean;
  readonly emitFindLinks: boolean;
}

/** One line of `pip compile`'s output: a package version, and where it applies. */
export interface CompiledPin {
  readonly name: PackageName;
  readonly version: Version;
  readonly dist: Dist;
  /** The resolved packages that depend on it, sorted (for `# via`). */
  readonly dependents: readonly PackageName[];
  /** Where it is installed (universal output), as a marker; `undefined`: everywhere. */
  readonly marker: string | undefined;
  /** The same as a set, for a universal resolution (within its Pythons). */
  readonly markerSet?: MarkerSet | undefined;
}

export interface RenderContext {
  readonly output: CompileOutputSettings;
  /** Whether a requirement of the inputs applies (for annotations). */
  readonly active: (s: SourcedRequirement) => boolean;
  readonly provider: RegistryProvider;
  readonly locations: IndexLocations;
}

/** The output file's text for a resolution (see `requirements-output.ts`). */
export async function renderOutput(
  resolved: readonly CompiledPin[],
  sources: RequirementSources,
  context: RenderContext,
): Promise<string> {
  const { output, active } = context;
  const annotations = new SourceAnnotations();
  const editables = new Set<PackageName>();
  const annotate = (list: readonly SourcedRequirement[], kind: SourceAnnotation["kind"]) => {
    for (const s of list.filter(active)) {
      annotations.add(s.requirement.name, { kind, origin: s.origin });
      if (s.editable) editables.add(s.requirement.name);
    }
  };
  annotate(sources.requirements, "requirement");
  annotate(sources.constraints, "constraint");
  annotate(sources.overrides, "override");

  const pins: OutputPin[] = await Promise.all(
    resolved.map(async (p) => {
      const { name } = p;
      const line = requirementLine(p, editables.has(name));
      return {
        name,
        requirement: p.marker === undefined ? line : `${line} ; ${p.marker}`,
        editable: editables.has(name),
        hashes:
          output.generateHashes && isRegistryDist(p.dist)
            ? fileHashes(await context.provider.distributionFiles(name, p.version))
            : [],
        dependents: p.dependents,
        sources: annotations.get(name),
      };
    }),
  );
  return renderRequirementsTxt(pins, {
    headerCommand: output.headerCommand,
    preamble: preamble(context.locations, output),
    annotate: output.annotate,
    annotationStyle: output.annotationStyle,
  });
}

/**
 * `name==version`; a URL as `name @ URL` (a git URL pinned to its full commit), a bare path as
 * given, an editable as `-e URL`. A URL's literal credentials are not written (`${VAR}`
 * references are): the file is meant to be shared, and they come back from `.netrc` or the
 * index URL of the same host when it is installed.
 */
function requirementLine(p: CompiledPin, editable: boolean): string {
  const { dist } = p;
  if (isRegistryDist(dist)) return `${dist.name}==${p.version}`;
  const given = dist.kind === "git" ? dist.git.pinnedUrl : dist.url.given;
  const pinned = stripCredentials(given, { keepGitUser: given.startsWith("git+") });
  if (editable) return `-e ${pinned}`;
  if (!/^[A-Za-z][A-Za-z0-9+.-]+:/.test(pinned)) return pinned;
  return `${dist.name} @ ${pinned}`;
}

/**
 * The `--hash` values of a pinned version: one per file of it that the settings allow, for
 * every platform and Python (`RegistryProvider.distributionFiles`), SHA-256 where the index gave it
 * (else the strongest digest pip accepts), sorted and without repeats.
 */
function fileHashes(files: readonly RegistryFile[]): string[] {
  const hashes = new Set<string>();
  for (const { file } of files) {
    const preferred = preferredHash(file.hashes, { anyAlgorithm: false });
    if (preferred !== undefined) hashes.add(`${preferred.algorithm}:${preferred.digest}`);
  }
  return [...hashes].sort();
}

/** `--emit-index-url` / `--emit-find-links` lines, credentials masked. */
function preamble(locations: IndexLocations, output: CompileOutputSettings): string[] {
  const lines: string[] = [];
  if (output.emitIndexUrl) {
    if (locations.indexUrl !== undefined) lines.push(`--index-url ${locations.indexUrl.redacted}`);
    for (const index of locations.extraIndexUrls) {
      const line = `--extra-index-url ${index.redacted}`;
      if (!lines.includes(line)) lines.push(line);
    }
  }
  if (output.emitFindLinks) {
    for (const location of locations.findLinks) {
      lines.push(`--find-links ${location.kind === "path" ? location.path : location.redacted}`);
    }
  }
  return lines;
}
