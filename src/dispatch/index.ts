export { BuildDispatch, type BuildDispatchOptions, selectionList } from "./build-dispatch.ts";
