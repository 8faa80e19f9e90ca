export {
  ExtraName,
  GroupName,
  isNormalizedName,
  isValidName,
  normalizeName,
  PackageName,
} from "./names.ts";
