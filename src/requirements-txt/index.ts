export { RequirementsFileError, type SourceLocation } from "./error.ts";
export type { Environment } from "./logical-lines.ts";
export type { SelectionEntries } from "./package-selection.ts";
export {
  localFileReader,
  REQUIREMENTS_FILE_LIMIT,
  type RequirementsFileReader,
  requirementsTooLarge,
} from "./reader.ts";
export {
  parseRequirementText,
  type RequirementsTxtRequirement,
  type UnnamedRequirement,
} from "./requirement.ts";
export {
  type ParseRequirementsOptions,
  parseRequirementsFile,
  type RequirementEntry,
  type RequirementsTxt,
} from "./requirements-file.ts";
