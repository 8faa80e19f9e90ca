// Source distributions, paths, editables and git end to end through `src/dispatch`: a loopback
// index serves the real build-backend wheels (test/corpora/build-backends) and sdists the tests
// build; `BuildDispatch` resolves and installs build requirements with Puffin's own resolver and
// installer into real virtual environments of a pyenv Python 3.12; the resolver reads sdists'
// metadata through the dispatch's `DistributionDatabase`; what is built is installed into a real
// target venv and imported by Python.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { statSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import type { BuildOptions } from "../../src/build-context/index.ts";
import type { Cache } from "../../src/cache/index.ts";
import type { HttpClient, RegistryClient } from "../../src/client/index.ts";
import { BuildDispatch } from "../../src/dispatch/index.ts";
import {
  type DirectDist,
  directUrlOf,
  type Resolution,
} from "../../src/distribution-types/index.ts";
import { layoutFor } from "../../src/installer/index.ts";
import {
  findBaseInterpreter,
  type Interpreter,
  queryInterpreter,
} from "../../src/interpreter/index.ts";
import { PackageName } from "../../src/normalize/index.ts";
import { Requirement, VerbatimUrl } from "../../src/pep508/index.ts";
import {
  NoSolutionError,
  RegistryProvider,
  resolve,
  targetFromInterpreter,
} from "../../src/resolver/index.ts";
import { PuffinError } from "../../src/support/index.ts";
import { createVenv } from "../../src/venv/index.ts";
import { findGit, GitRepository } from "../support/git-repository.ts";
import { IndexServer } from "../support/index-server.ts";
import { installWheels } from "../support/install-wheels.ts";
import { pyenvPythons } from "../support/pyenv-pythons.ts";
import { testRegistry } from "../support/registry.ts";
import { runPuffin } from "../support/run-puffin.ts";
import { buildSdist } from "../support/sdist-builder.ts";
import { testDirectory, writeTree } from "../support/temp-dir.ts";

const python = pyenvPythons().find((p) => p.minor[0] === 3 && p.minor[1] === 12);
const skip = python === undefined ? "no pyenv Python 3.12 on this machine" : false;
const backends = join(import.meta.dirname, "..", "corpora", "build-backends");
const root = testDirectory("dispatch");
const name = (text: string) => PackageName.parse(text);
const DEFAULTS: BuildOptions = {
  noBuild: { kind: "none" },
  noBinary: { kind: "none" },
  configSettings: {},
};

/** The files of a setuptools project with one package holding its version. */
function projectFiles(
  project: string,
  version: string,
  deps: string[] = [],
): Record<string, string> {
  const pyproject = [
    "[build-system]",
    'requires = ["setuptools>=61"]',
    'build-backend = "setuptools.build_meta"',
    "[project]",
    `name = "${project}"`,
    `version = "${version}"`,
    `dependencies = [${deps.map((d) => JSON.stringify(d)).join(", ")}]`,
    "[tool.setuptools]",
    `packages = ["${project}"]`,
    "",
  ].join("\n");
  return { "pyproject.toml": pyproject, [`${project}/__init__.py`]: `VALUE = "${version}"\n` };
}

function writeProject(directory: string, project: string, version: string, deps: string[] = []) {
  writeTree(directory, projectFiles(project, version, deps));
}

describe("source builds through dispatch", { skip }, () => {
  let server: IndexServer;
  let cache: Cache;
  let client: RegistryClient;
  let http: HttpClient;
  let interpreter: Interpreter;
  let counter = 0;

  before(async () => {
    const sdists = [
      buildSdist({ name: "sdonly", version: "1.0", dependencies: ["tomli"] }),
      buildSdist({ name: "sdonly", version: "0.9" }),
    ];
    server = await IndexServer.start({ directory: backends, files: sdists });
    ({ cache, client, http } = testRegistry({
      cacheDir: join(root, "cache"),
      indexUrl: server.indexUrl,
    }));
    const env = { PATH: "/usr/bin:/bin" };
    interpreter = await findBaseInterpreter({ python: python!.executable, env, cwd: root, cache });
  });
  after(async () => {
    await http.close();
    await server.close();
  });

  function dispatch(options: Partial<BuildOptions> = {}, isolation = true): BuildDispatch {
    return BuildDispatch.create({
      interpreter,
      cache,
      client,
      http,
      options: { ...DEFAULTS, ...options },
      isolation,
      git: { env: { PATH: process.env["PATH"], GIT_CONFIG_NOSYSTEM: "1" } },
      puffinVersion: "0.0.0-test",
    });
  }

  function provider(context: BuildDispatch, onlyBinary: (PackageName | ":all:")[] = []) {
    return new RegistryProvider({
      client,
      database: context.database,
      target: targetFromInterpreter(interpreter),
      onlyBinary,
    });
  }

  function resolveFor(context: BuildDispatch, requirements: string[], onlyBinary = []) {
    const target = targetFromInterpreter(interpreter);
    const p = provider(context, onlyBinary);
    const resolution = resolve(p, {
      requirements: requirements.map((r) => Requirement.parse(r)),
      environment: target.environment,
      pythonVersion: target.pythonVersion,
    }).then((solved) => p.resolution(solved));
    return { provider: p, resolution };
  }

  const pins = (resolution: Resolution) =>
    [...resolution].map((p) => `${p.dist.name}==${p.version}`).sort();

  /** A direct reference located and named through the database, as a resolution does it. */
  async function located(
    context: BuildDispatch,
    url: string,
    options: { name?: PackageName; editable?: boolean } = {},
  ): Promise<DirectDist> {
    const source = await context.database.locate(VerbatimUrl.parse(url), {
      editable: options.editable === true,
    });
    return context.database.named(source, options.name);
  }

  async function targetVenv(): Promise<Interpreter> {
    counter += 1;
    const created = await createVenv({
      location: join(root, `venv-${counter}`),
      interpreter,
      prompt: undefined,
      systemSitePackages: false,
      clear: false,
      puffinVersion: "0.0.0-test",
    });
    return queryInterpreter(created.python, { cache });
  }

  function run(target: Interpreter, code: string): string {
    return execFileSync(target.executable, ["-c", code], { encoding: "utf8" }).trim();
  }

  test("an sdist-only package resolves (static metadata, no build) and installs by building", async () => {
    const context = dispatch();
    const { resolution } = resolveFor(context, ["sdonly"]);
    assert.deepEqual(pins(await resolution), ["sdonly==1.0", "tomli==2.0.1"]);
    const target = await targetVenv();
    const wheels = await Promise.all(
      [...(await resolution)].map(async (pkg) => ({
        cached: (await context.database.wheel(pkg.dist)).cached,
        requested: pkg.requested,
      })),
    );
    await installWheels(wheels, { layout: layoutFor(target) });
    assert.equal(run(target, "import sdonly, tomli; print(sdonly.__name__)"), "sdonly");

    // A second command building the same sdist finds it in the built-wheel cache.
    const again = dispatch();
    const sdonly = (await resolveFor(again, ["sdonly"]).resolution).get(name("sdonly"))!;
    assert.ok((await again.database.cachedWheel(sdonly.dist)) !== undefined);
    assert.equal((await again.database.wheel(sdonly.dist)).how, "cache");
    await context.close();
    await again.close();
  });

  test("--no-build: resolution and building both name the package", async () => {
    const context = dispatch({ noBuild: { kind: "all" } });
    await assert.rejects(
      resolveFor(context, ["sdonly"], [":all:"] as never).resolution,
      (error) => {
        assert.ok(error instanceof NoSolutionError);
        assert.match(error.message, /sdonly/);
        assert.match(error.message, /no wheel/);
        return true;
      },
    );
    const old = (await resolveFor(dispatch(), ["sdonly==0.9"]).resolution).get(name("sdonly"))!;
    await assert.rejects(context.database.wheel(old.dist), (error) => {
      assert.ok(error instanceof PuffinError);
      // 0.9 was never built, so the build is attempted and refused.
      assert.equal(error.code, "build-disabled");
      assert.match(error.message, /`sdonly`/);
      return true;
    });
  });

  test("a local path dependency: pinned as given, built once, rebuilt when touched", async () => {
    const project = join(root, "localproj");
    writeProject(project, "localproj", "2.5", ["tomli"]);
    const url = pathToFileURL(project).href;
    const context = dispatch();
    const { resolution } = resolveFor(context, [`localproj @ ${url}`]);
    assert.deepEqual(pins(await resolution), ["localproj==2.5", "tomli==2.0.1"]);
    assert.equal((await resolution).get(name("localproj"))!.dist.kind, "directory");

    const direct = await located(context, url, { name: name("localproj") });
    assert.equal(direct.kind, "directory");
    assert.deepEqual(directUrlOf(direct), { kind: "dir", url, editable: false });
    const first = await context.database.wheel(direct);
    const second = await context.database.wheel(direct);
    assert.equal(first.how, "build");
    assert.equal(second.how, "cache");
    const later = new Date(statSync(join(project, "pyproject.toml")).mtimeMs + 5_000);
    utimesSync(join(project, "pyproject.toml"), later, later);
    assert.equal((await context.database.wheel(direct)).how, "build");

    const target = await targetVenv();
    await installWheels(
      [
        {
          cached: (await context.database.wheel(direct)).cached,
          requested: true,
          directUrl: directUrlOf(direct),
        },
      ],
      { layout: layoutFor(target) },
    );
    assert.equal(run(target, "import localproj; print(localproj.VALUE)"), "2.5");
    await context.close();
  });

  test("an editable install (PEP 660): changes are visible without reinstalling; freeze shows -e", async () => {
    const project = join(root, "editproj");
    writeProject(project, "editproj", "0.1");
    const context = dispatch();
    const direct = await located(context, project, { editable: true });
    assert.equal(direct.kind, "directory");
    assert.equal(direct.kind === "directory" && direct.editable, true);
    assert.equal(direct.name, "editproj");
    const target = await targetVenv();
    await installWheels(
      [
        {
          cached: (await context.database.wheel(direct)).cached,
          requested: true,
          directUrl: directUrlOf(direct),
        },
      ],
      { layout: layoutFor(target) },
    );
    assert.equal(run(target, "import editproj; print(editproj.VALUE)"), "0.1");
    writeFileSync(join(project, "editproj", "__init__.py"), 'VALUE = "changed"\n');
    assert.equal(run(target, "import editproj; print(editproj.VALUE)"), "changed");
    const freeze = await runPuffin(["pip", "freeze", "--python", target.executable], {
      env: { PATH: process.env["PATH"] },
    });
    assert.equal(freeze.status, 0, freeze.stderr);
    assert.match(freeze.stdout, new RegExp(`^-e ${pathToFileURL(project).href}$`, "m"));
    await context.close();
  });

  test("--no-build-isolation builds in the target environment with what it holds", async () => {
    const project = join(root, "noiso");
    writeProject(project, "noiso", "1.0");
    const target = await targetVenv();
    // Without setuptools in the target, the backend cannot be imported.
    const bare = BuildDispatch.create({
      interpreter: target,
      cache,
      client,
      http,
      options: DEFAULTS,
      isolation: false,
      puffinVersion: "0.0.0-test",
    });
    const direct = await located(bare, project);
    await assert.rejects(bare.database.wheel(direct), /setuptools/);
    // Provide the build requirements in the target (setuptools 69 also needs `wheel` to build
    // wheels), installed through an isolated context's resolver; then it builds.
    const helper = dispatch();
    const { resolution } = resolveFor(helper, ["setuptools", "wheel"]);
    const wheels = await Promise.all(
      [...(await resolution)].map(async (pkg) => ({
        cached: (await helper.database.wheel(pkg.dist)).cached,
        requested: true,
      })),
    );
    await installWheels(wheels, { layout: layoutFor(target) });
    assert.equal((await bare.database.wheel(direct)).how, "build");
  });

  test("git: branch, tag and commit resolve; the pin is the full commit", {
    skip: findGit() === undefined ? "no git" : false,
  }, async () => {
    const repository = GitRepository.create(join(root, "repo"));
    const first = repository.commit("1.0", projectFiles("gitproj", "1.0"));
    repository.git("tag", "v1.0");
    const second = repository.commit("2.0", projectFiles("gitproj", "2.0"));
    repository.git("branch", "stable", first);
    const base = `git+${pathToFileURL(repository.path).href}`;
    const context = dispatch();
    const cases: [string, string, string][] = [
      [`${base}@v1.0`, "1.0", first],
      [`${base}@stable`, "1.0", first],
      [`${base}@main`, "2.0", second],
      [`${base}@${first.slice(0, 10)}`, "1.0", first],
      [`${base}@${second}`, "2.0", second],
    ];
    for (const [url, version, commit] of cases) {
      const { resolution } = resolveFor(context, [`gitproj @ ${url}`]);
      assert.deepEqual(pins(await resolution), [`gitproj==${version}`], url);
      const dist = (await resolution).get(name("gitproj"))!.dist;
      assert.equal(dist.kind === "git" && dist.git.pinnedUrl, `${base}@${commit}`);
    }
    const direct = await located(context, `${base}@v1.0`, { name: name("gitproj") });
    assert.equal(direct.kind, "git");
    assert.equal(direct.kind === "git" && direct.git.commit, first);
    assert.equal(directUrlOf(direct)?.url, pathToFileURL(repository.path).href);
    const target = await targetVenv();
    await installWheels(
      [
        {
          cached: (await context.database.wheel(direct)).cached,
          requested: true,
          directUrl: directUrlOf(direct),
        },
      ],
      { layout: layoutFor(target) },
    );
    assert.equal(run(target, "import gitproj; print(gitproj.VALUE)"), "1.0");
    await context.close();
  });
});
