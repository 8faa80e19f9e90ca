// The package as `npm run build` leaves it, for the tests that run what users run:
//   PACKAGE_ROOT       the checkout (a file: URL ending in /)
//   BIN                dist/puffin.cjs, the `puffin` command
//   PACKAGE_VERSION    package.json's version, which `puffin --version` reports
//   NOT_BUILT          a skip reason while dist/ is missing (`npm test` builds it first), else false
import { existsSync, readFileSync } from "node:fs";

export const PACKAGE_ROOT = new URL("../../", import.meta.url);
export const BIN = new URL("dist/puffin.cjs", PACKAGE_ROOT).pathname;
export const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL("package.json", PACKAGE_ROOT), "utf8")) as { version: string }
).version;
export const NOT_BUILT: string | false = existsSync(BIN)
  ? false
  : "dist/ not built: run `npm run build`";
