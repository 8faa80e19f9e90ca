export type { BuildSource } from "./built-wheel-cache.ts";
export { buildEditable, builtWheel, cachedBuiltWheel, sourceMetadata } from "./source-dist.ts";
