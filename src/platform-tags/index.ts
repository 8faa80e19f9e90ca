export {
  type Arch,
  macBinaryFormats,
  macPlatforms,
  manylinuxPlatforms,
  musllinuxPlatforms,
  type Platform,
  platformTags,
} from "./platform.ts";
export {
  expandTagSet,
  formatTag,
  parseTag,
  parseTagSet,
  type Tag,
  type TagSet,
  tryParseTagSet,
} from "./tag.ts";
export { type Implementation, Tags, type TagsEnv } from "./tags.ts";
