export {
  MARKER_ENVIRONMENT_KEYS,
  type MarkerEnvironment,
  markerEnvironmentFromRecord,
} from "./marker-environment.ts";
export {
  type MarkerCombination,
  type MarkerExpression,
  type MarkerNode,
  type MarkerOperand,
  type MarkerOperator,
  type MarkerVariable,
  VERSION_VARIABLES,
} from "./marker-expression.ts";
export { MarkerTree } from "./marker-tree.ts";
export { Pep508Error, type Pep508ErrorCode } from "./pep508-error.ts";
export {
  Requirement,
  type RequirementParseOptions,
  type RequirementVersion,
} from "./requirement.ts";
export { VerbatimUrl } from "./verbatim-url.ts";
