export { type ActivationContext, activationScripts } from "./activation-scripts.ts";
export { type CreatedVenv, type CreateVenvOptions, createVenv } from "./create-venv.ts";
