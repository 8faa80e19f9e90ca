export {
  assertHashable,
  type DirectSource,
  directDistSource,
  SourceDistributions,
  type SourceDistributionsOptions,
} from "./source-distributions.ts";
