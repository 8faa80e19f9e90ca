/**
 * Puffin's library entry: the packaging-standards core, usable on its own from JavaScript.
 *
 *   import { Version, VersionSpecifiers, Requirement, MarkerTree, WheelFilename } from "puffin";
 *
 * Everything here is synchronous, pure and free of I/O except `parseRequirementsFile`, which
 * reads files through an injectable reader. PEP 751 lock files: `parsePylock` (text → `Pylock`),
 * `renderPylock` (`Pylock` → text) and `selectFromPylock` (what to install for a target).
 */

export {
  type BuildTag,
  DistFilename,
  type LegacyFormat,
  type SourceDistExtension,
  SourceDistFilename,
  WheelFilename,
} from "./filenames/index.ts";
export {
  ExtraName,
  GroupName,
  isValidName,
  normalizeName,
  PackageName,
} from "./normalize/index.ts";
export {
  compareVersions,
  type Operator,
  Version,
  VersionRange,
  VersionSpecifier,
  VersionSpecifiers,
} from "./pep440/index.ts";
export {
  type MarkerEnvironment,
  MarkerTree,
  markerEnvironmentFromRecord,
  Pep508Error,
  Requirement,
  VerbatimUrl,
} from "./pep508/index.ts";
export {
  type Arch,
  type Implementation,
  type Platform,
  parseTag,
  type Tag,
  Tags,
  type TagsEnv,
} from "./platform-tags/index.ts";
export {
  isPylockFileName,
  PYLOCK_VERSION,
  type Pylock,
  type PylockArchive,
  type PylockChoice,
  type PylockDirectory,
  type PylockFile,
  type PylockHashes,
  type PylockPackage,
  type PylockSelected,
  type PylockTarget,
  type PylockVcs,
  parsePylock,
  pylockFileName,
  renderPylock,
  selectFromPylock,
  type TomlTable,
  type TomlValue,
} from "./pylock/index.ts";
export {
  type DirectUrl,
  isDynamic,
  type Metadata,
  parseCoreMetadata,
  parseDirectUrl,
  serializeDirectUrl,
} from "./pypi-types/index.ts";
export {
  type ParseRequirementsOptions,
  parseRequirementsFile,
  type RequirementEntry,
  RequirementsFileError,
  type RequirementsTxt,
  type RequirementsTxtRequirement,
  type UnnamedRequirement,
} from "./requirements-txt/index.ts";
export { PuffinError, redactCredentials } from "./support/index.ts";
