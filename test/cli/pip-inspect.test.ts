import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { Cache } from "../../src/cache/index.ts";
import { unzipWheel } from "../../src/distribution/unzip-wheel.ts";
import { layoutFor } from "../../src/installer/index.ts";
import { findBaseInterpreter, queryInterpreter } from "../../src/interpreter/index.ts";
import type { DirectUrl } from "../../src/pypi-types/index.ts";
import { createVenv } from "../../src/venv/index.ts";
import { installWheels } from "../support/install-wheels.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel, type WheelSpec } from "../support/wheel-builder.ts";

const python = newestPyenvPython();
const skip = python === undefined ? "no pyenv Python 3.8+ on this machine" : false;
const root = testDirectory("cli-pip-inspect");
const cache = Cache.at(join(root, "cache"));
const env = { PATH: "/usr/bin:/bin", PUFFIN_CACHE_DIR: join(root, "cache") };

/** A venv holding the given wheels; returns its path. */
async function environment(
  name: string,
  wheels: { spec: WheelSpec; directUrl?: DirectUrl; requested?: boolean }[],
): Promise<string> {
  const base = await findBaseInterpreter({ python: python!.executable, env, cwd: root, cache });
  const created = await createVenv({
    location: join(root, name),
    interpreter: base,
    prompt: undefined,
    systemSitePackages: false,
    clear: false,
    puffinVersion: "0.0.0-test",
  });
  const layout = layoutFor(await queryInterpreter(created.python, { cache }));
  const installs = [];
  for (const { spec, directUrl, requested } of wheels) {
    const built = buildWheel(spec);
    const path = join(root, built.filename);
    writeFileSync(path, built.bytes);
    installs.push({
      cached: await unzipWheel({ wheel: path, cache }),
      requested: requested ?? true,
      directUrl,
    });
  }
  await installWheels(installs, { layout });
  return created.location;
}

describe("puffin pip freeze | list | show | check", { skip }, () => {
  let venv = "";
  before(async () => {
    venv = await environment("mixed", [
      {
        spec: {
          name: "alpha",
          version: "1.0",
          requiresDist: ["beta>=2", "gamma", "delta; python_version < '3'"],
        },
      },
      {
        spec: { name: "beta", version: "1.5" },
        directUrl: {
          kind: "archive",
          url: "https://example.org/beta-1.5-py3-none-any.whl",
          hashes: {},
        },
      },
      {
        spec: { name: "My_Project", version: "0.1.dev0", requiresDist: ["alpha"] },
        directUrl: { kind: "dir", url: "file:///src/my-project", editable: true },
      },
    ]);
  });

  test("freeze: pins, direct URLs and editables, sorted by name", async () => {
    const run = await runPuffin(["pip", "freeze", "--python", venv], { env, cwd: root });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(
      run.stdout,
      "alpha==1.0\nbeta @ https://example.org/beta-1.5-py3-none-any.whl\n-e file:///src/my-project\n",
    );
    const without = await runPuffin(["pip", "freeze", "--exclude-editable", "--python", venv], {
      env,
      cwd: root,
    });
    assert.equal(
      without.stdout,
      "alpha==1.0\nbeta @ https://example.org/beta-1.5-py3-none-any.whl\n",
    );
  });

  test("freeze finds the environment through VIRTUAL_ENV", async () => {
    const run = await runPuffin(["pip", "freeze"], {
      env: { ...env, VIRTUAL_ENV: venv },
      cwd: root,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^alpha==1\.0\n/);
  });

  test("list: columns (with the editable column), freeze and json formats, filters", async () => {
    const columns = await runPuffin(["pip", "list", "--python", venv], { env, cwd: root });
    assert.equal(
      columns.stdout,
      [
        "Package    Version  Editable project location",
        "---------- -------- -------------------------",
        "alpha      1.0",
        "beta       1.5",
        "my-project 0.1.dev0 /src/my-project",
        "",
      ].join("\n"),
    );
    const freeze = await runPuffin(
      ["pip", "list", "--format", "freeze", "--exclude-editable", "--python", venv],
      { env, cwd: root },
    );
    assert.equal(freeze.stdout, "alpha==1.0\nbeta==1.5\n");
    const json = await runPuffin(
      ["pip", "list", "--format", "json", "--editable", "--python", venv],
      { env, cwd: root },
    );
    assert.deepEqual(JSON.parse(json.stdout), [
      { name: "my-project", version: "0.1.dev0", editable_project_location: "/src/my-project" },
    ]);
    const bad = await runPuffin(["pip", "list", "--format", "xml", "--python", venv], {
      env,
      cwd: root,
    });
    assert.equal(bad.status, 2);
  });

  test("show: fields, requirements under the environment's markers, --files, missing names", async () => {
    const run = await runPuffin(["pip", "show", "alpha", "--files", "--python", venv], {
      env,
      cwd: root,
    });
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.split("\n");
    assert.equal(lines[0], "Name: alpha");
    assert.equal(lines[1], "Version: 1.0");
    assert.match(lines[2]!, /^Location: .*\/site-packages$/);
    assert.equal(lines[3], "Requires: beta, gamma");
    assert.equal(lines[4], "Required-by: my-project");
    assert.equal(lines[5], "Files:");
    assert.ok(lines.includes("  alpha/__init__.py"));
    assert.ok(lines.includes("  alpha-1.0.dist-info/INSTALLER"));

    const two = await runPuffin(["pip", "show", "beta", "nothere", "--python", venv], {
      env,
      cwd: root,
    });
    assert.equal(two.status, 0);
    assert.match(two.stderr, /warning: Package\(s\) not found for: nothere/);
    assert.match(two.stdout, /^Name: beta\n/);
    const none = await runPuffin(["pip", "show", "nothere", "--python", venv], { env, cwd: root });
    assert.equal(none.status, 1);
  });

  test("check: missing and incompatible requirements exit 1", async () => {
    const run = await runPuffin(["pip", "check", "--python", venv], { env, cwd: root });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^Checked 3 packages in \d+ms\n/);
    assert.match(run.stderr, /The package `alpha` requires `beta>=2`, but `1\.5` is installed\n/);
    assert.match(run.stderr, /The package `alpha` requires `gamma`, but it's not installed\n/);
    assert.doesNotMatch(run.stderr, /delta/);
    assert.match(run.stderr, /error: Found 2 incompatibilities\n/);
  });

  test("check: a consistent environment", async () => {
    const clean = await environment("clean", [
      { spec: { name: "one", version: "1.0", requiresDist: ["two>=1"] } },
      { spec: { name: "two", version: "1.0" } },
    ]);
    const run = await runPuffin(["pip", "check", "--python", clean], { env, cwd: root });
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stderr,
      /^Checked 2 packages in \d+ms\nAll installed packages are compatible\n$/,
    );
  });
});
