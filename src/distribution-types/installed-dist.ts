import type { PackageName } from "../normalize/index.ts";
import type { Version } from "../pep440/index.ts";
import type { DirectUrl } from "../pypi-types/index.ts";

/**
 * How a distribution is recorded in site-packages:
 * - `dist-info`: a `<name>-<version>.dist-info/` directory (PEP 376/627, written by wheel
 *   installers);
 * - `egg-info-dir`: a `<name>-<version>[-pyX.Y].egg-info/` directory (setuptools `develop` or a
 *   legacy `setup.py install`), with `PKG-INFO` and maybe `installed-files.txt`;
 * - `egg-info-file`: a single `<name>-<version>[-pyX.Y].egg-info` file holding PKG-INFO
 *   (distutils), which lists no files.
 */
export type InstalledDistKind = "dist-info" | "egg-info-dir" | "egg-info-file";

/** A distribution installed in an environment, as `SitePackages` reads it. */
export interface InstalledDist {
  readonly name: PackageName;
  readonly version: Version;
  /** Absolute path of its `.dist-info` / `.egg-info` directory or file. */
  readonly path: string;
  readonly kind: InstalledDistKind;
  /** `direct_url.json` (PEP 610) when the distribution has one. */
  readonly directUrl: DirectUrl | undefined;
  /** Installed in editable mode (`dir_info.editable`). */
  readonly editable: boolean;
  /**
   * When it was installed (the mtime of its metadata directory or file, ms since the epoch);
   * the planner compares it with a local source's modification time.
   */
  readonly installedAtMs: number;
}
