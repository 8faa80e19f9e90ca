import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";

const root = new URL("../../", import.meta.url);
const bin = new URL("dist/puffin.js", root).pathname;
const pkg = JSON.parse(readFileSync(new URL("package.json", root), "utf8")) as { version: string };

// The built package is what users run; `npm test` builds it before running the tests.
describe("the built package", {
  skip: existsSync(bin) ? false : "dist/ not built: run `npm run build`",
}, () => {
  test("`puffin --version` runs from the bundle and reports package.json's version", () => {
    const result = spawnSync(process.execPath, [bin, "--version"], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `puffin ${pkg.version}\n`);
  });

  test("an unknown flag exits 2 from the bundle too", () => {
    const result = spawnSync(process.execPath, [bin, "--no-such-flag"], { encoding: "utf8" });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^error: unknown option '--no-such-flag'/);
  });

  test("the library entry exports the standards core with type declarations", async () => {
    const library = (await import(new URL("dist/index.js", root).href)) as Record<string, unknown>;
    for (const name of ["PackageName", "ExtraName", "PuffinError"]) {
      assert.ok(name in library, `dist/index.js exports ${name}`);
    }
    assert.ok(existsSync(new URL("dist/types/index.d.ts", root)));
  });
});
