import assert from "node:assert/strict";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { CreateVenvOptions } from "../../src/venv/create-venv.ts";
import { createVenv } from "../../src/venv/index.ts";
import { fakeInterpreter } from "../support/fake-venv.ts";

const root = mkdtempSync(join(tmpdir(), "puffin-venv-layout-"));
after(() => rmSync(root, { recursive: true, force: true }));
const base = join(root, "base");
const interpreter = fakeInterpreter(base);
const python = join(base, "bin", "python3.12");
let counter = 0;

function options(changes: Partial<CreateVenvOptions> = {}): CreateVenvOptions {
  return {
    location: join(root, `venv-${counter++}`),
    interpreter,
    prompt: undefined,
    systemSitePackages: false,
    clear: false,
    puffinVersion: "9.9.9",
    ...changes,
  };
}

describe("the layout of a virtual environment", () => {
  test("pyvenv.cfg, interpreter links, site-packages, lib64, scripts, .gitignore", async () => {
    const created = await createVenv(options({ prompt: "my project" }));
    const venv = created.location;
    assert.equal(created.python, join(venv, "bin", "python"));
    assert.equal(
      readFileSync(join(venv, "pyvenv.cfg"), "utf8"),
      [
        `home = ${join(base, "bin")}`,
        "implementation = CPython",
        "version_info = 3.12.4",
        "include-system-site-packages = false",
        "prompt = my project",
        "puffin = 9.9.9",
        "",
      ].join("\n"),
    );
    for (const name of ["python", "python3", "python3.12"]) {
      assert.equal(readlinkSync(join(venv, "bin", name)), python);
    }
    assert.ok(lstatSync(join(venv, "lib", "python3.12", "site-packages")).isDirectory());
    assert.equal(readlinkSync(join(venv, "lib64")), "lib");
    assert.equal(readFileSync(join(venv, ".gitignore"), "utf8"), "*\n");
    const scripts = readdirSync(join(venv, "bin")).filter((name) => name.startsWith("activate"));
    assert.deepEqual(scripts.sort(), [
      "activate",
      "activate.csh",
      "activate.fish",
      "activate.nu",
      "activate.ps1",
      "activate_this.py",
    ]);
    for (const script of scripts) {
      const text = readFileSync(join(venv, "bin", script), "utf8");
      assert.ok(text.includes("my project"), `${script} carries the prompt`);
    }
    assert.deepEqual(
      readdirSync(root).filter((name) => name.includes("puffin-")),
      [],
      "no staging directory is left behind",
    );
  });

  test("--system-site-packages is recorded; no prompt line without --prompt", async () => {
    const { location } = await createVenv(options({ systemSitePackages: true }));
    const config = readFileSync(join(location, "pyvenv.cfg"), "utf8");
    assert.match(config, /^include-system-site-packages = true$/m);
    assert.doesNotMatch(config, /^prompt/m);
  });

  test("no lib64 link for a 32-bit interpreter", async () => {
    const { location } = await createVenv(
      options({ interpreter: fakeInterpreter(join(root, "base32"), { pointer_bits: 32 }) }),
    );
    assert.ok(!existsSync(join(location, "lib64")));
  });

  test("made from a venv's python, the new environment links to the base installation", async () => {
    const inner = join(root, "other-venv");
    const fromVenv = fakeInterpreter(inner, {
      executable: join(inner, "bin", "python3.12"),
      base_executable: join(inner, "bin", "python3.12"),
      prefix: inner,
      base_prefix: base,
    });
    const created = await createVenv(options({ interpreter: fromVenv }));
    assert.equal(created.baseExecutable, python);
    assert.equal(readlinkSync(join(created.location, "bin", "python")), python);
  });
});

describe("what is already at the path", () => {
  test("an existing environment is replaced only with --clear", async () => {
    const first = options();
    await createVenv(first);
    writeFileSync(join(first.location, "marker"), "");
    await assert.rejects(createVenv(first), { code: "venv-exists", hint: /--clear/ });
    assert.ok(existsSync(join(first.location, "marker")), "left untouched");
    await createVenv({ ...first, clear: true });
    assert.ok(!existsSync(join(first.location, "marker")), "replaced");
    assert.ok(existsSync(join(first.location, "pyvenv.cfg")));
  });

  test("an empty directory is used", async () => {
    const empty = options();
    mkdirSync(empty.location);
    await createVenv(empty);
    assert.ok(existsSync(join(empty.location, "pyvenv.cfg")));
  });

  test("a directory with other content, or a file, is never overwritten, even with --clear", async () => {
    const occupied = options({ clear: true });
    mkdirSync(occupied.location);
    writeFileSync(join(occupied.location, "notes.txt"), "precious");
    await assert.rejects(createVenv(occupied), {
      code: "venv-path-occupied",
      message: /is not a virtual environment/,
    });
    assert.equal(readFileSync(join(occupied.location, "notes.txt"), "utf8"), "precious");
    const file = options({ clear: true });
    writeFileSync(file.location, "a file");
    await assert.rejects(createVenv(file), { code: "venv-path-occupied" });
  });

  test("the parent directories are created", async () => {
    const nested = options();
    nested.location = join(nested.location, "a", "b");
    await createVenv(nested);
    assert.ok(existsSync(join(nested.location, "pyvenv.cfg")));
  });
});

describe("unsupported interpreters", () => {
  test("PyPy: a clear unsupported-venv error", async () => {
    const pypy = fakeInterpreter(join(root, "pypy"), {
      implementation_name: "pypy",
      markers: {
        ...(fakeInterpreter(join(root, "pypy")).markers as object),
        implementation_name: "pypy",
        platform_python_implementation: "PyPy",
      },
    });
    await assert.rejects(createVenv(options({ interpreter: pypy })), {
      code: "unsupported-venv",
      message: /PyPy .*only CPython is supported/,
    });
  });
});
