export type { Arch, Platform } from "./platform.ts";
export { expandTagSet, formatTag, parseTag, type Tag, type TagSet, tryParseTagSet } from "./tag.ts";
export { type Implementation, Tags, type TagsEnv } from "./tags.ts";
export {
  TARGET_PLATFORM_NAMES,
  type TargetPlatform,
  targetPlatform,
  targetPlatformName,
} from "./target-platform.ts";
