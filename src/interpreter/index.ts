export { findBaseInterpreter, findEnvironmentInterpreter } from "./discovery.ts";
export { Interpreter, type SchemePaths } from "./interpreter.ts";
export { queryInterpreter } from "./probe-cache.ts";
