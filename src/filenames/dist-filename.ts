import type { PackageName } from "../normalize/index.ts";
import { PuffinError } from "../support/index.ts";
import { SourceDistFilename, sourceDistExtension } from "./source-dist-filename.ts";
import { WheelFilename } from "./wheel-filename.ts";

/**
 * Distribution formats from before wheels that indexes still list (eggs, Windows installers, RPMs,
 * `bdist_dumb` archives…). Puffin installs none of them; it only recognizes them to skip them.
 */
export type LegacyFormat = "egg" | "wininst" | "msi" | "dmg" | "rpm" | "dumb";

/** What a file listed on an index page is. */
export type DistFilename =
  | { readonly kind: "wheel"; readonly filename: WheelFilename }
  | { readonly kind: "sdist"; readonly filename: SourceDistFilename }
  | { readonly kind: "legacy"; readonly format: LegacyFormat };

const LEGACY_EXTENSIONS: ReadonlyMap<string, LegacyFormat> = new Map([
  [".egg", "egg"],
  [".exe", "wininst"],
  [".msi", "msi"],
  [".dmg", "dmg"],
  [".rpm", "rpm"],
]);

/**
 * A `bdist_dumb` archive: `{name}-{version}.{platform}.{archive}` with distutils' platform name
 * (`linux-x86_64`, `win-amd64`, `macosx-10.9-intel`), e.g. `4ch-1.0.0.linux-x86_64.tar.gz`. Only
 * asked of archives that are not valid sdists.
 */
const DUMB_PLATFORM =
  /-[A-Za-z0-9_.!+-]+?\.(?:aix|cygwin|darwin|linux|macosx|solaris|sunos|[wW]in)[-.A-Za-z0-9_]*$/;

/** Classifies and parses the files of an index page. */
export const DistFilename = {
  /**
   * A wheel, an sdist (split with the page's package name when given; see `SourceDistFilename`),
   * or a legacy format recognized by its extension or shape. A wheel's name is not compared with
   * the package name (it needs no hint to split); callers that require a match compare. Throws the wheel's or sdist's
   * `PuffinError` when the file has their extension but is not valid, and one with code
   * `unknown-dist-filename` for any other file.
   */
  parse(filename: string, packageName?: PackageName): DistFilename {
    if (filename.endsWith(".whl")) {
      return { kind: "wheel", filename: WheelFilename.parse(filename) };
    }
    const extension = sourceDistExtension(filename);
    if (extension !== undefined) {
      const sdist = SourceDistFilename.tryParse(filename, packageName);
      if (sdist !== undefined) return { kind: "sdist", filename: sdist };
      if (DUMB_PLATFORM.test(filename.slice(0, -extension.length - 1))) {
        return { kind: "legacy", format: "dumb" };
      }
      // Not an sdist either: `parse` throws the reason.
      return { kind: "sdist", filename: SourceDistFilename.parse(filename, packageName) };
    }
    const dot = filename.lastIndexOf(".");
    const legacy = dot === -1 ? undefined : LEGACY_EXTENSIONS.get(filename.slice(dot));
    if (legacy !== undefined) return { kind: "legacy", format: legacy };
    throw new PuffinError(
      "unknown-dist-filename",
      `Not a distribution filename: ${JSON.stringify(filename)}`,
      { hint: "Distributions are wheels (`.whl`) or source archives (`.tar.gz`, `.zip`…)" },
    );
  },

  /** Like `parse`, returning `undefined` for files that are neither distributions nor legacy. */
  tryParse(filename: string, packageName?: PackageName): DistFilename | undefined {
    if (filename.endsWith(".whl")) {
      const wheel = WheelFilename.tryParse(filename);
      return wheel === undefined ? undefined : { kind: "wheel", filename: wheel };
    }
    try {
      return DistFilename.parse(filename, packageName);
    } catch (error) {
      if (error instanceof PuffinError) return undefined;
      throw error;
    }
  },
};
