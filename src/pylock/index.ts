export { parsePylock } from "./parse-pylock.ts";
export {
  isPylockFileName,
  PYLOCK_VERSION,
  type Pylock,
  type PylockArchive,
  type PylockDirectory,
  type PylockFile,
  type PylockHashes,
  type PylockPackage,
  type PylockVcs,
  pylockFileName,
  type TomlTable,
  type TomlValue,
} from "./pylock.ts";
export { renderPylock } from "./render-pylock.ts";
export {
  type PylockChoice,
  type PylockSelected,
  type PylockTarget,
  selectFromPylock,
} from "./select-from-pylock.ts";
