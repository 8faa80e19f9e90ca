export { type CliContext, runCli } from "./program.ts";
