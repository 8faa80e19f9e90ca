import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { DiscoveryOptions } from "../../src/interpreter/discovery.ts";
import { findBaseInterpreter, findEnvironmentInterpreter } from "../../src/interpreter/index.ts";
import { PuffinError } from "../../src/support/index.ts";
import { FakeRunner, fakeProbeAnswer, writeFakeExecutable } from "../support/fake-python.ts";

const root = mkdtempSync(join(tmpdir(), "puffin-discovery-"));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/**
 * A fake machine: `install(path, version)` creates an executable the fake runner describes;
 * `options()` searches it with an empty HOME, so the real pyenv never leaks in.
 */
function machine() {
  const dir = join(root, String(counter++));
  const home = join(dir, "home");
  mkdirSync(home, { recursive: true });
  const runner = new FakeRunner();
  const install = (relativePath: string, version: string, executable?: string) => {
    const path = join(dir, relativePath);
    writeFakeExecutable(path);
    runner.answers.set(path, fakeProbeAnswer({ executable: executable ?? path, version }));
    return path;
  };
  const options = (
    python: string | undefined,
    env: NodeJS.ProcessEnv = {},
    cwd = dir,
  ): DiscoveryOptions => ({
    python,
    env: { HOME: home, PATH: "", ...env },
    cwd,
    cache: undefined,
    runner: runner.run,
  });
  const path = (...dirs: string[]) => dirs.map((d) => join(dir, d)).join(":");
  return { dir, home, runner, install, options, path };
}

describe("the interpreter for a new environment", () => {
  test("without --python: the first python3 or python on PATH, in PATH order", async () => {
    const m = machine();
    m.install("b/python", "3.10.1");
    const python3 = m.install("c/python3", "3.12.4");
    const found = await findBaseInterpreter(m.options(undefined, { PATH: m.path("a", "c", "b") }));
    assert.equal(found.executable, python3);
  });

  test("a candidate that fails to run is skipped", async () => {
    const m = machine();
    writeFakeExecutable(join(m.dir, "a/python3"));
    const good = m.install("b/python3", "3.12.4");
    const found = await findBaseInterpreter(m.options(undefined, { PATH: m.path("a", "b") }));
    assert.equal(found.executable, good);
  });

  test("nothing working: interpreter-not-found, listing what failed", async () => {
    const m = machine();
    writeFakeExecutable(join(m.dir, "a/python3"));
    await assert.rejects(
      findBaseInterpreter(m.options(undefined, { PATH: m.path("a") })),
      (error: unknown) => {
        assert.ok(error instanceof PuffinError);
        assert.equal(error.code, "interpreter-not-found");
        assert.match(error.hint ?? "", /not working: .*a\/python3/);
        return true;
      },
    );
  });

  const versionCases: [string, string][] = [
    ["3.11", "3.11.9"],
    ["3.11.2", "3.11.2"],
    [">=3.10,<3.12", "3.11.9"],
    ["3", "3.12.4"],
    ["3.12", "3.12.4"],
  ];
  for (const [request, expected] of versionCases) {
    test(`--python ${request}: PATH first, then pyenv's versions newest first → ${expected}`, async () => {
      const m = machine();
      m.install("bin/python3", "3.12.4");
      m.install("home/.pyenv/versions/3.11.2/bin/python", "3.11.2");
      m.install("home/.pyenv/versions/3.11.9/bin/python", "3.11.9");
      m.install("home/.pyenv/versions/3.10.1/bin/python", "3.10.1");
      const found = await findBaseInterpreter(m.options(request, { PATH: m.path("bin") }));
      assert.equal(found.version, expected);
    });
  }

  test("a version nobody has: the error lists the versions found", async () => {
    const m = machine();
    m.install("bin/python3", "3.12.4");
    m.install("home/.pyenv/versions/3.11.9/bin/python", "3.11.9");
    await assert.rejects(
      findBaseInterpreter(m.options(">=3.13", { PATH: m.path("bin") })),
      (error: unknown) => {
        assert.ok(error instanceof PuffinError);
        assert.match(error.message, /No interpreter found for Python >=3\.13/);
        assert.match(error.hint ?? "", /found: 3\.12\.4 at .*bin\/python3/);
        return true;
      },
    );
  });

  test("an executable name is looked up on PATH", async () => {
    const m = machine();
    m.install("a/python3", "3.12.4");
    const named = m.install("b/python3.11", "3.11.9");
    const found = await findBaseInterpreter(m.options("python3.11", { PATH: m.path("a", "b") }));
    assert.equal(found.executable, named);
    await assert.rejects(findBaseInterpreter(m.options("python3.99", { PATH: m.path("a", "b") })), {
      code: "interpreter-not-found",
      message: /No working `python3\.99` found on PATH/,
    });
  });

  test("a path: a file is the interpreter, a directory an environment, relative to cwd", async () => {
    const m = machine();
    const direct = m.install("x/bin/python3", "3.12.4");
    const inEnv = m.install("env/bin/python", "3.11.9");
    assert.equal((await findBaseInterpreter(m.options("./x/bin/python3"))).executable, direct);
    assert.equal((await findBaseInterpreter(m.options("env/"))).executable, inEnv);
    await assert.rejects(findBaseInterpreter(m.options("./missing/python")), {
      code: "interpreter-not-found",
    });
  });

  describe("pyenv shims are resolved without starting a shell", () => {
    const shimMachine = () => {
      const m = machine();
      const pyenv = join(m.home, ".pyenv");
      writeFakeExecutable(join(pyenv, "shims", "python3"));
      const v311 = m.install("home/.pyenv/versions/3.11.9/bin/python3", "3.11.9");
      const v312 = m.install("home/.pyenv/versions/3.12.4/bin/python3", "3.12.4");
      const system = m.install("usr/bin/python3", "3.10.1");
      writeFileSync(join(pyenv, "version"), "3.11.9\n");
      const env = { PATH: `${join(pyenv, "shims")}:${join(m.dir, "usr/bin")}` };
      return { m, pyenv, v311, v312, system, env };
    };

    test("the global version file", async () => {
      const { m, v311, env } = shimMachine();
      assert.equal((await findBaseInterpreter(m.options(undefined, env))).executable, v311);
      assert.ok(!m.runner.spawned.some((program) => program.includes("shims")));
    });

    test("PYENV_VERSION wins, then the nearest .python-version", async () => {
      const { m, v312, env } = shimMachine();
      const chosen = await findBaseInterpreter(
        m.options(undefined, { ...env, PYENV_VERSION: "3.12.4" }),
      );
      assert.equal(chosen.executable, v312);
      const project = join(m.dir, "project", "sub");
      mkdirSync(project, { recursive: true });
      writeFileSync(join(m.dir, "project", ".python-version"), "3.12.4\n");
      assert.equal(
        (await findBaseInterpreter(m.options(undefined, env, project))).executable,
        v312,
      );
    });

    test("`system` defers to the rest of PATH", async () => {
      const { m, system, env } = shimMachine();
      const chosen = await findBaseInterpreter(
        m.options(undefined, { ...env, PYENV_VERSION: "system" }),
      );
      assert.equal(chosen.executable, system);
    });
  });
});

describe("the interpreter of the environment a command acts on", () => {
  const envMachine = () => {
    const m = machine();
    const venv = m.install("active/bin/python", "3.12.4");
    const conda = m.install("conda/bin/python", "3.11.9");
    const dotVenv = m.install("project/.venv/bin/python", "3.10.1");
    writeFileSync(join(m.dir, "project/.venv/pyvenv.cfg"), "home = /usr/bin\n");
    const nested = join(m.dir, "project", "src", "pkg");
    mkdirSync(nested, { recursive: true });
    return { m, venv, conda, dotVenv, nested };
  };

  test("VIRTUAL_ENV, then CONDA_PREFIX, then .venv in the directory or a parent", async () => {
    const { m, venv, conda, dotVenv, nested } = envMachine();
    const both = { VIRTUAL_ENV: join(m.dir, "active"), CONDA_PREFIX: join(m.dir, "conda") };
    const cases: [NodeJS.ProcessEnv, string][] = [
      [both, venv],
      [{ CONDA_PREFIX: join(m.dir, "conda") }, conda],
      [{}, dotVenv],
    ];
    for (const [env, expected] of cases) {
      const found = await findEnvironmentInterpreter(m.options(undefined, env, nested));
      assert.equal(found.executable, expected);
    }
  });

  test("--python wins over an active environment", async () => {
    const { m, conda, nested } = envMachine();
    const found = await findEnvironmentInterpreter(
      m.options(join(m.dir, "conda"), { VIRTUAL_ENV: join(m.dir, "active") }, nested),
    );
    assert.equal(found.executable, conda);
  });

  test("no environment anywhere: no-environment with a hint", async () => {
    const m = machine();
    await assert.rejects(findEnvironmentInterpreter(m.options(undefined, {}, m.dir)), {
      code: "no-environment",
      hint: /puffin venv/,
    });
  });
});
