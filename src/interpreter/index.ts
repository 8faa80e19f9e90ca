export {
  type DiscoveryOptions,
  findBaseInterpreter,
  findEnvironmentInterpreter,
} from "./discovery.ts";
export { Interpreter, type InterpreterInfo, type SchemePaths } from "./interpreter.ts";
export {
  infoFromProbe,
  type ProcessOutput,
  type ProcessRunner,
  probeInterpreter,
  runProcess,
} from "./probe.ts";
export { type QueryOptions, queryInterpreter } from "./probe-cache.ts";
export { PROBE_SCRIPT } from "./probe-script.ts";
export {
  describeRequest,
  type PythonRequest,
  parsePythonRequest,
  versionMatches,
} from "./python-request.ts";
