/**
 * Puffin's library entry: the packaging-standards core, usable on its own from JavaScript.
 *
 *   import { Version, VersionSpecifiers, Requirement, MarkerTree, WheelFilename } from "puffin";
 */
export {
  ExtraName,
  GroupName,
  isValidName,
  normalizeName,
  PackageName,
} from "./normalize/index.ts";
export { PuffinError } from "./support/index.ts";
