/** Puffin's own version, injected by the bundler from package.json (`scripts/build.mjs`). */
declare const __PUFFIN_VERSION__: string | undefined;

export const PUFFIN_VERSION: string =
  typeof __PUFFIN_VERSION__ === "string" ? __PUFFIN_VERSION__ : "0.0.0-dev";
