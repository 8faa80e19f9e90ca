import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { realpathSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { promisify } from "node:util";
import { Cache } from "../../src/cache/index.ts";
import { findBaseInterpreter, type Interpreter } from "../../src/interpreter/index.ts";
import { createVenv } from "../../src/venv/index.ts";
import { type PyenvPython, pyenvPythons } from "../support/pyenv-pythons.ts";
import { testDirectory } from "../support/temp-dir.ts";

const run = promisify(execFile);
const pythons = pyenvPythons();
const supported = (python: PyenvPython) => python.minor[0] === 3 && python.minor[1] >= 8;
const skip = pythons.some(supported) ? false : "no pyenv Python 3.8+ on this machine";

const root = testDirectory("venv-real");
const cache = Cache.at(join(root, "cache"));
const env = { PATH: "/usr/bin:/bin", PIP_DISABLE_PIP_VERSION_CHECK: "1", PIP_NO_INPUT: "1" };

/** Builds `tiny_puffin-1.0-py3-none-any.whl` (a real wheel, with RECORD) with `python`. */
const BUILD_WHEEL = `
import base64, hashlib, sys, zipfile
files = {
    "tiny_puffin/__init__.py": b"VALUE = 42\\n",
    "tiny_puffin-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\\nName: tiny-puffin\\nVersion: 1.0\\n",
    "tiny_puffin-1.0.dist-info/WHEEL": b"Wheel-Version: 1.0\\nGenerator: puffin-test\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
}
record = []
with zipfile.ZipFile(sys.argv[1], "w") as wheel:
    for name, data in files.items():
        wheel.writestr(name, data)
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append("%s,sha256=%s,%d" % (name, digest, len(data)))
    record.append("tiny_puffin-1.0.dist-info/RECORD,,")
    wheel.writestr("tiny_puffin-1.0.dist-info/RECORD", "\\n".join(record) + "\\n")
`;

/** Run with the environment's own python: how Python itself sees the environment. */
const INSPECT = `
import importlib.util, json, sys, sysconfig
tiny = importlib.util.find_spec("tiny_puffin")
print(json.dumps({
    "prefix": sys.prefix,
    "base_prefix": sys.base_prefix,
    "path": sys.path,
    "paths": sysconfig.get_paths(),
    "sees_base_pip": importlib.util.find_spec("pip") is not None,
    "tiny_puffin": tiny.origin if tiny else None,
}))
`;

interface Inspection {
  prefix: string;
  base_prefix: string;
  path: string[];
  paths: Record<string, string>;
  sees_base_pip: boolean;
  tiny_puffin: string | null;
}

async function inspect(python: string): Promise<Inspection> {
  const { stdout } = await run(python, ["-c", INSPECT], { env });
  return JSON.parse(stdout) as Inspection;
}

const wheel = join(root, "tiny_puffin-1.0-py3-none-any.whl");

async function make(base: Interpreter, name: string, systemSitePackages: boolean) {
  return createVenv({
    location: join(root, name),
    interpreter: base,
    prompt: undefined,
    systemSitePackages,
    clear: false,
    puffinVersion: "0.0.0-test",
  });
}

describe("virtual environments for every Python pyenv provides", { skip }, () => {
  before(async () => {
    const builder = pythons.find(supported)!;
    await run(builder.executable, ["-c", BUILD_WHEEL, wheel], { env });
  });

  for (const python of pythons) {
    if (!supported(python)) {
      test(`Python ${python.version}: refused with a clear "unsupported" error`, async () => {
        await assert.rejects(
          findBaseInterpreter({ python: python.executable, env, cwd: root, cache }),
          { code: "unsupported-python", message: /does not support/ },
        );
      });
      continue;
    }
    test(`Python ${python.version}: Python and pip accept the environment`, async () => {
      const base = await findBaseInterpreter({
        python: python.executable,
        env,
        cwd: root,
        cache,
      });
      const [plain, shared] = await Promise.all([
        make(base, `venv-${python.version}`, false),
        make(base, `venv-${python.version}-system`, true),
      ]);
      // pip (the base interpreter's, ≥ 22.3) installs into the environment through its python.
      await run(
        python.executable,
        ["-m", "pip", "--python", plain.python, "install", "--no-index", "--no-deps", "-q", wheel],
        { env },
      );
      const [inside, withSystem] = await Promise.all([
        inspect(plain.python),
        inspect(shared.python),
      ]);
      const location = realpathSync(plain.location);
      const site = join(location, "lib", `python${python.minor.join(".")}`, "site-packages");
      assert.equal(inside.prefix, location);
      assert.notEqual(inside.prefix, inside.base_prefix);
      assert.equal(realpathSync(inside.base_prefix), realpathSync(base.info.prefix));
      assert.ok(inside.path.includes(site), "site-packages is on sys.path");
      for (const key of ["purelib", "platlib", "scripts", "data"]) {
        assert.ok(inside.paths[key]!.startsWith(location), `sysconfig ${key} is in the venv`);
      }
      assert.equal(inside.tiny_puffin, join(site, "tiny_puffin", "__init__.py"));
      assert.equal(inside.sees_base_pip, false, "the base site-packages stays out");
      assert.ok(!inside.path.includes(base.info.scheme.purelib));
      assert.equal(withSystem.sees_base_pip, true, "--system-site-packages is honoured");
      assert.ok(withSystem.path.includes(base.info.scheme.purelib));
      assert.equal(withSystem.tiny_puffin, null);
    });
  }

  test("activate_this.py activates an environment inside a running base Python", async () => {
    const python = pythons.filter(supported).at(-1)!;
    const base = await findBaseInterpreter({
      python: python.executable,
      env,
      cwd: root,
      cache,
    });
    const venv = await make(base, "venv-activate-this", false);
    const script = `
import json, os, sys
path = sys.argv[1]
exec(open(path).read(), {"__file__": path})
print(json.dumps([sys.prefix, os.environ["VIRTUAL_ENV"], os.environ["PATH"].split(os.pathsep)[0], sys.path[0]]))
`;
    const { stdout } = await run(
      python.executable,
      ["-c", script, join(venv.location, "bin", "activate_this.py")],
      { env },
    );
    const site = join(venv.location, "lib", `python${python.minor.join(".")}`, "site-packages");
    assert.deepEqual(JSON.parse(stdout), [
      venv.location,
      venv.location,
      join(venv.location, "bin"),
      realpathSync(site),
    ]);
  });
});
