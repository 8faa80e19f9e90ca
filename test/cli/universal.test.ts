// `puffin pip compile --universal` on the universal packse scenarios (test/corpora/packse-universal):
// each scenario becomes a loopback index of real files (`indexFiles`), Puffin resolves its root
// requirements for every environment, and in each environment of a matrix (platforms ×
// machines × implementations × Python versions from the scenario's lowest) the packages the
// output installs there (lines whose marker holds) must be those uv's expected lock or
// requirements file installs there. A scenario uv cannot resolve must fail with the
// no-solution report.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { IndexServer } from "../support/index-server.ts";
import { indexFiles } from "../support/packse.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";
import {
  environmentMatrix,
  fromRequirementsTxt,
  KNOWN_DIFFERENCES,
  universalScenarios,
} from "../support/universal-scenarios.ts";

const newest = newestPyenvPython();
const root = testDirectory("universal-cli");
const env = { PUFFIN_CACHE_DIR: join(root, "cache") };
const servers: IndexServer[] = [];

after(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe("universal packse scenarios through `puffin pip compile --universal`", {
  skip: newest === undefined ? "no pyenv Python 3.8+ on this machine" : false,
}, () => {
  const scenarios = universalScenarios();
  test("the corpus is all here", () => assert.equal(scenarios.length, 15));

  for (const scenario of scenarios) {
    test(scenario.path, { todo: KNOWN_DIFFERENCES.get(scenario.path) ?? false }, async () => {
      const server = await IndexServer.start({ files: indexFiles(scenario.scenario) });
      servers.push(server);
      const input = join(root, `${scenario.path.replaceAll("/", "_")}.in`);
      writeFileSync(input, scenario.requirements.map((r) => `${r}\n`).join(""));
      const run = await runPuffin(
        [
          "pip",
          "compile",
          input,
          "--universal",
          "--no-header",
          "--no-annotate",
          "--python",
          newest!.executable,
          "--python-version",
          scenario.python,
          "-i",
          server.indexUrl,
          ...(scenario.resolution === undefined ? [] : ["--resolution", scenario.resolution]),
        ],
        { cwd: root, env },
      );
      const expected = scenario.expected;
      if (expected === undefined) {
        assert.equal(run.status, 1, `uv fails, yet: ${run.stdout}`);
        assert.match(run.stderr, /No solution found when resolving dependencies/);
        return;
      }
      assert.equal(run.status, 0, run.stderr);
      for (const environment of environmentMatrix(scenario.python)) {
        assert.deepEqual(
          fromRequirementsTxt(run.stdout, environment),
          expected(environment),
          `in ${JSON.stringify(environment)}:\n${run.stdout}`,
        );
      }
    });
  }
});
