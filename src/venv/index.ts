export { type ActivationContext, activationScripts, shQuote } from "./activation-scripts.ts";
export { type CreatedVenv, type CreateVenvOptions, createVenv } from "./create-venv.ts";
