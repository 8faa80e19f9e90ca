export { DistFilename, type LegacyFormat } from "./dist-filename.ts";
export {
  type SourceDistExtension,
  SourceDistFilename,
  sourceDistExtension,
} from "./source-dist-filename.ts";
export { type BuildTag, WheelFilename } from "./wheel-filename.ts";
