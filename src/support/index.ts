export { errorChain, PuffinError } from "./error.ts";
