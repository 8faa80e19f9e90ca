export { BuildDispatch, type BuildDispatchOptions, selectionList } from "./build-dispatch.ts";
export {
  type DirectTarget,
  type DirectTargetOptions,
  directTarget,
  lineConfigSettings,
  pinnedUrl,
  registryWheelRequest,
  requirementName,
  sourceProviderOptions,
} from "./source-targets.ts";
