export {
  type DiscoveryOptions,
  findBaseInterpreter,
  findEnvironmentInterpreter,
} from "./discovery.ts";
export { Interpreter, type InterpreterInfo, type SchemePaths } from "./interpreter.ts";
export {
  DEFAULT_PROBE_TIMEOUT_MS,
  infoFromProbe,
  type ProbeOptions,
  type ProcessOutput,
  type ProcessRunner,
  type ProcessRunOptions,
  probeInterpreter,
  runProcess,
  summarizeOutput,
} from "./probe.ts";
export { type QueryOptions, queryInterpreter } from "./probe-cache.ts";
export { PROBE_SCRIPT } from "./probe-script.ts";
export {
  describeRequest,
  type PythonRequest,
  parsePythonRequest,
  versionMatches,
} from "./python-request.ts";
