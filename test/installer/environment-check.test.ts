import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { checkEnvironment, SitePackages } from "../../src/installer/index.ts";
import { fakeInterpreter } from "../support/fake-venv.ts";
import { testDirectory } from "../support/temp-dir.ts";

const root = testDirectory("installer-check");
const markers = fakeInterpreter(join(root, "python")).markers;

function dist(site: string, name: string, version: string, requires: string[] = []) {
  const dir = join(site, `${name}-${version}.dist-info`);
  mkdirSync(dir, { recursive: true });
  const lines = ["Metadata-Version: 2.1", `Name: ${name}`, `Version: ${version}`];
  for (const requirement of requires) lines.push(`Requires-Dist: ${requirement}`);
  writeFileSync(join(dir, "METADATA"), `${lines.join("\n")}\n`);
}

describe("checkEnvironment", () => {
  test("missing, incompatible, URL and marker-excluded requirements; duplicates", async () => {
    const site = join(root, "site");
    dist(site, "app", "1.0", [
      "lib>=2",
      "absent",
      "win-only; sys_platform == 'win32'",
      "extra-only; extra == 'x'",
      "urldep @ https://example.org/urldep-1.0.tar.gz",
    ]);
    dist(site, "lib", "1.0");
    dist(site, "urldep", "0.1");
    dist(site, "twice", "1.0");
    dist(site, "Twice", "2.0");
    const diagnostics = await checkEnvironment(await SitePackages.read([site]), markers);
    assert.deepEqual(
      diagnostics.map((d) =>
        d.kind === "duplicate"
          ? `duplicate ${d.name} ×${d.dists.length}`
          : `${d.kind} ${d.dist.name} → ${d.requirement.toString()}`,
      ),
      ["incompatible app → lib>=2", "missing app → absent", "duplicate twice ×2"],
    );
  });

  test("a consistent environment has no diagnostics", async () => {
    const site = join(root, "clean");
    dist(site, "a", "1.0", ["b~=1.0"]);
    dist(site, "b", "1.0.3");
    assert.deepEqual(await checkEnvironment(await SitePackages.read([site]), markers), []);
  });
});
