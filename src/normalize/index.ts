export { ExtraName, GroupName, isValidName, normalizeName, PackageName } from "./names.ts";
