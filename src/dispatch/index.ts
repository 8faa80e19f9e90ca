export { BuildDispatch, type BuildDispatchOptions, selectionList } from "./build-dispatch.ts";
export {
  type DirectTarget,
  directTarget,
  pinnedUrl,
  registryWheelSource,
  sourceProviderOptions,
} from "./source-targets.ts";
