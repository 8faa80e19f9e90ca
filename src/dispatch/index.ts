export { BuildDispatch } from "./build-dispatch.ts";
