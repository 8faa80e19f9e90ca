export { decodeRequirementsFile } from "./decode.ts";
export { RequirementsFileError, type SourceLocation } from "./error.ts";
export { type FileLine, type ReadLinesOptions, readRequirementsLines } from "./file-lines.ts";
export type { IncludedFile } from "./included-file.ts";
export {
  type ConfigSettings,
  HASH_ALGORITHMS,
  type LineOptions,
} from "./line-options.ts";
export {
  type Environment,
  expandVariables,
  type LogicalLine,
  logicalLines,
} from "./logical-lines.ts";
export {
  ALL,
  type FormatControl,
  type ReleaseControl,
  type SelectionEntries,
  type SelectionOption,
} from "./package-selection.ts";
export {
  localFileReader,
  REQUIREMENTS_FILE_LIMIT,
  type RequirementsFileReader,
  requirementsTooLarge,
} from "./reader.ts";
export {
  parseRequirementText,
  type RequirementsTxtRequirement,
  type RequirementTextContext,
  type UnnamedRequirement,
} from "./requirement.ts";
export {
  type ParseRequirementsOptions,
  parseRequirementsFile,
  type RequirementEntry,
  type RequirementsTxt,
} from "./requirements-file.ts";
export { parseRequirementsLine, type RequirementsLine } from "./requirements-line.ts";
