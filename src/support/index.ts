export { errorChain, PuffinError } from "./error.ts";
export { type LogLevel, type LogSink, log, setLogSink } from "./log.ts";
export {
  credentialRedactions,
  type Redaction,
  redactCredentials,
  redactedOffset,
} from "./redact.ts";
