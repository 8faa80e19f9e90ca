export { type CreatedVenv, createVenv } from "./create-venv.ts";
