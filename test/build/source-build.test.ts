import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { before, describe, test } from "node:test";
import { buildEditable, builtWheel, sourceMetadata } from "../../src/build/index.ts";
import { Cache } from "../../src/cache/index.ts";
import { findBaseInterpreter, type Interpreter } from "../../src/interpreter/index.ts";
import { PackageName } from "../../src/normalize/index.ts";
import { type ErrorCode, PuffinError } from "../../src/support/index.ts";
import { BufferZipSource, ZipArchive } from "../../src/zip/index.ts";
import {
  LocalBuildContext,
  type LocalBuildContextOptions,
} from "../support/local-build-context.ts";
import { pyenvPythons } from "../support/pyenv-pythons.ts";
import { writeSdist } from "../support/sdist-builder.ts";
import { writeTarGz } from "../support/tar-writer.ts";
import { testDirectory } from "../support/temp-dir.ts";

const python = pyenvPythons().find((p) => p.minor[0] === 3 && p.minor[1] === 12);
const skip = python === undefined ? "no pyenv Python 3.12 on this machine" : false;
const backends = join(import.meta.dirname, "..", "corpora", "build-backends");
const root = testDirectory("source-build");
const cache = Cache.at(join(root, "cache"));
const sdists = join(root, "sdists");
mkdirSync(sdists);
let interpreter: Interpreter;

function context(extra: Partial<LocalBuildContextOptions> = {}): LocalBuildContext {
  return new LocalBuildContext({ interpreter, cache, wheelDirectories: [backends], ...extra });
}

function archive(path: string, name: string) {
  return { kind: "archive" as const, path, name: PackageName.parse(name) };
}

function wheelFiles(wheel: string): string[] {
  return ZipArchive.openSync(new BufferZipSource(readFileSync(wheel), wheel)).entries.map(
    (e) => e.name,
  );
}

async function buildFails(promise: Promise<unknown>, code: ErrorCode): Promise<PuffinError> {
  let caught: unknown;
  await promise.catch((error: unknown) => {
    caught = error;
  });
  assert.ok(caught instanceof PuffinError, `expected a PuffinError, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

/** An sdist of exactly these files under `top/` (no generated PKG-INFO or pyproject.toml). */
function tarball(top: string, files: Record<string, string>): string {
  const path = join(sdists, `${top}.tar.gz`);
  writeFileSync(
    path,
    writeTarGz(Object.entries(files).map(([name, data]) => ({ name: `${top}/${name}`, data }))),
  );
  return path;
}

const LEGACY_SETUP = (name: string) =>
  `from setuptools import setup\nsetup(name=${JSON.stringify(name)}, version="0.3", packages=[${JSON.stringify(name)}], install_requires=["six>=1"])\n`;

describe("building source distributions (PEP 517)", { skip }, () => {
  before(async () => {
    const env = { PATH: "/usr/bin:/bin" };
    interpreter = await findBaseInterpreter({ python: python!.executable, env, cwd: root, cache });
  });

  const backendsTable: [string, string, Record<string, string>][] = [
    [
      "setuptools (pyproject.toml)",
      "st-proj",
      {
        "pyproject.toml":
          '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "st-proj"\nversion = "1.0"\ndynamic = ["dependencies"]\n\n[tool.setuptools]\npackages = ["st_proj"]\n\n[tool.setuptools.dynamic]\ndependencies = {file = ["reqs.txt"]}\n',
        "reqs.txt": "six>=1.0\n",
        "st_proj/__init__.py": "",
      },
    ],
    [
      "flit_core",
      "flit-proj",
      {
        "pyproject.toml":
          '[build-system]\nrequires = ["flit_core>=3.2,<4"]\nbuild-backend = "flit_core.buildapi"\n\n[project]\nname = "flit_proj"\ndynamic = ["version", "description"]\ndependencies = ["six"]\n',
        "flit_proj/__init__.py": '"""A flit project."""\n__version__ = "1.0"\n',
      },
    ],
    [
      "hatchling",
      "hatch-proj",
      {
        "pyproject.toml":
          '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n[project]\nname = "hatch-proj"\ndynamic = ["version"]\ndependencies = ["six"]\n\n[tool.hatch.version]\npath = "hatch_proj/__init__.py"\n',
        "hatch_proj/__init__.py": '__version__ = "1.0"\n',
      },
    ],
  ];
  for (const [what, name, files] of backendsTable) {
    test(`${what}: metadata by building, then a wheel from the cache`, async () => {
      const sdist = writeSdist(sdists, {
        name,
        version: "1.0",
        pyproject: files["pyproject.toml"]!,
        files: Object.fromEntries(
          Object.entries(files).filter(([path]) => path !== "pyproject.toml"),
        ),
        omitPkgInfo: true,
      });
      const ctx = context();
      const found = await sourceMetadata(ctx, archive(sdist.path, name));
      assert.notEqual(found.origin, "static");
      assert.equal(found.metadata.name, name);
      assert.equal(found.metadata.version.toString(), "1.0");
      assert.match(found.metadata.requiresDist.map(String).join(), /^six/);
      const wheel = await builtWheel(ctx, archive(sdist.path, name));
      assert.match(
        basename(wheel.path),
        new RegExp(`^${name.replace("-", "_")}-1\\.0-(py2\\.)?py3-none-any\\.whl$`),
      );
      const second = await builtWheel(ctx, archive(sdist.path, name));
      assert.equal(second.built, false);
      assert.equal(second.path, wheel.path);
    });
  }

  test("a legacy setup.py-only project builds with the setuptools legacy backend", async () => {
    const path0 = tarball("legacy-0.3", {
      "setup.py": LEGACY_SETUP("legacy"),
      "legacy/__init__.py": "",
    });
    const ctx = context();
    const { path } = await builtWheel(ctx, archive(path0, "legacy"));
    assert.equal(basename(path), "legacy-0.3-py3-none-any.whl");
    assert.deepEqual(ctx.counters.installs[0], ["setuptools", "wheel"]);
  });

  test("static metadata: [project] without dynamic fields needs no Python", async () => {
    const sdist = writeSdist(sdists, {
      name: "static-proj",
      version: "2.0",
      dependencies: ["six>=1; python_version >= '3'"],
      optionalDependencies: { fast: ["tomli; os_name == 'posix'"] },
      omitPkgInfo: true,
    });
    const ctx = context();
    const found = await sourceMetadata(ctx, archive(sdist.path, "static-proj"));
    assert.equal(found.origin, "static");
    assert.equal(ctx.counters.environments, 0);
    assert.deepEqual(found.metadata.providesExtra, ["fast"]);
    assert.deepEqual(found.metadata.requiresDist.map(String), [
      'six>=1; python_version >= "3"',
      'tomli; os_name == "posix" and extra == "fast"',
    ]);
    const again = await sourceMetadata(ctx, archive(sdist.path, "static-proj"));
    assert.equal(again.origin, "cache");
  });

  test("get_requires_for_build_wheel additions are installed; config settings reach the backend", async () => {
    const backend = [
      "from setuptools import build_meta as _st",
      "prepare_metadata_for_build_wheel = _st.prepare_metadata_for_build_wheel",
      "def get_requires_for_build_wheel(config_settings=None):",
      "    return _st.get_requires_for_build_wheel(None) + ['tomli']",
      "def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):",
      "    import tomli  # installed because get_requires_for_build_wheel asked for it",
      "    assert config_settings == {'mode': 'fast', 'flag': ['a', 'b']}, config_settings",
      "    return _st.build_wheel(wheel_directory, None, metadata_directory)",
    ].join("\n");
    const path = tarball("req_extra-1.0", {
      "pyproject.toml":
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "backend"\nbackend-path = ["_build"]\n\n[project]\nname = "req-extra"\nversion = "1.0"\ndynamic = ["dependencies"]\n\n[tool.setuptools]\npackages = ["req_extra"]\n',
      "_build/backend.py": `${backend}\n`,
      "req_extra/__init__.py": "",
    });
    const ctx = context({ options: { configSettings: { mode: "fast", flag: ["a", "b"] } } });
    const found = await sourceMetadata(ctx, archive(path, "req-extra"));
    assert.equal(found.origin, "prepare");
    const { path: wheel, built } = await builtWheel(ctx, archive(path, "req-extra"));
    assert.ok(built);
    assert.equal(basename(wheel), "req_extra-1.0-py3-none-any.whl");
    assert.deepEqual(ctx.counters.installs, [
      ["setuptools"],
      ["tomli", "wheel"],
      ["setuptools"],
      ["tomli", "wheel"],
    ]);
  });

  test("a failing build shows the hook, the backend's last lines and a hint", async () => {
    const setup = [
      "import sys",
      "for i in range(40): print('compiling step', i)",
      "print('src/fast.c:1:10: fatal error: zlib.h: No such file or directory', file=sys.stderr)",
      "raise SystemExit('error: command gcc failed')",
    ].join("\n");
    const path = tarball("broken-1.0", { "setup.py": `${setup}\n` });
    const error = await buildFails(
      builtWheel(context(), archive(path, "broken")),
      "build-backend-failed",
    );
    assert.match(
      error.message,
      /broken-1\.0\.tar\.gz.*setuptools\.build_meta:__legacy__.*get_requires_for_build_wheel/,
    );
    const output = (error.cause as Error).message.split("\n");
    assert.ok(output.length <= 21, output.join("\n"));
    assert.match(output.join("\n"), /compiling step 39\n.*fatal error: zlib\.h/s);
    assert.doesNotMatch(output.join("\n"), /compiling step 5\n/);
    assert.match(error.hint ?? "", /zlib\.h.*development package/);
    // Nothing was published for it.
    const entries = readdirSync(join(cache.root, "built-wheels-v0"), { recursive: true }).map(
      String,
    );
    assert.ok(!entries.some((entry) => entry.includes("broken") && entry.endsWith(".whl")));
  });

  test("a directory: cached until pyproject.toml is touched; concurrent builds build once", async () => {
    const project = join(root, "dir-proj");
    mkdirSync(join(project, "dir_proj"), { recursive: true });
    writeFileSync(
      join(project, "pyproject.toml"),
      '[build-system]\nrequires = ["flit_core>=3.2,<4"]\nbuild-backend = "flit_core.buildapi"\n\n[project]\nname = "dir_proj"\nversion = "0.1"\ndescription = "d"\n',
    );
    writeFileSync(join(project, "dir_proj/__init__.py"), "");
    const source = { kind: "directory" as const, path: project, name: undefined };
    const ctx = context();
    const [a, b] = await Promise.all([builtWheel(ctx, source), builtWheel(ctx, source)]);
    assert.equal(ctx.counters.environments, 1);
    assert.deepEqual([a.built, b.built].sort(), [false, true]);
    assert.equal(a.path, b.path);
    assert.equal((await builtWheel(ctx, source)).built, false);
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(project, "pyproject.toml"), later, later);
    const rebuilt = await builtWheel(ctx, source);
    assert.equal(rebuilt.built, true);
    assert.equal(ctx.counters.environments, 2);
  });

  test("an editable build (PEP 660) makes a wheel pointing at the tree", async () => {
    const project = join(root, "edit-proj");
    mkdirSync(join(project, "edit_proj"), { recursive: true });
    writeFileSync(
      join(project, "pyproject.toml"),
      '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n[project]\nname = "edit-proj"\nversion = "0.1"\n',
    );
    writeFileSync(join(project, "edit_proj/__init__.py"), "");
    const out = join(root, "editable-out");
    const wheel = await buildEditable(context(), { directory: project, outputDirectory: out });
    assert.equal(basename(wheel), "edit_proj-0.1-py2.py3-none-any.whl");
    const pth = wheelFiles(wheel).find((name) => name.endsWith(".pth"));
    assert.ok(pth !== undefined);
    const archiveBytes = readFileSync(wheel);
    const zip = ZipArchive.openSync(new BufferZipSource(archiveBytes, wheel));
    const content = new TextDecoder().decode(zip.readSync(zip.findEntry(pth)!));
    assert.ok(content.includes(project), content);
  });

  test("a build that needs itself is a cycle", async () => {
    const path = tarball("selfish-1.0", {
      "pyproject.toml":
        '[build-system]\nrequires = ["selfish"]\nbuild-backend = "setuptools.build_meta"\n',
    });
    const name = PackageName.parse("selfish");
    const ctx = context({ sdists: new Map([[name, path]]) });
    const error = await buildFails(builtWheel(ctx, archive(path, "selfish")), "build-cycle");
    assert.match(error.message, /selfish → selfish/);
  });

  test("--no-build refuses before any Python runs", async () => {
    const path = tarball("nobuild-1.0", { "setup.py": LEGACY_SETUP("nobuild") });
    const ctx = context({ options: { noBuild: { kind: "all" } } });
    const error = await buildFails(builtWheel(ctx, archive(path, "nobuild")), "build-disabled");
    assert.match(error.message, /nobuild/);
    assert.equal(ctx.counters.environments, 0);
  });
});
