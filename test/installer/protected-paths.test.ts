import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { Cache } from "../../src/cache/index.ts";
import { unzipWheel } from "../../src/distribution/unzip-wheel.ts";
import type { InstallLayout } from "../../src/installer/install-layout.ts";
import { protectedPathReason } from "../../src/installer/protected-paths.ts";
import { PuffinError } from "../../src/support/index.ts";
import { installWheels } from "../support/install-wheels.ts";
import { buildWheel, type WheelSpec } from "../support/wheel-builder.ts";

const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A venv-shaped environment: `bin/python*` links, activation scripts, `pyvenv.cfg`. */
async function venvLike(): Promise<{ layout: InstallLayout; cache: Cache; root: string }> {
  const root = await mkdtemp(join(tmpdir(), "puffin-protected-"));
  roots.push(root);
  const prefix = join(root, "venv");
  const bin = join(prefix, "bin");
  const site = join(prefix, "lib", "python3.12", "site-packages");
  mkdirSync(bin, { recursive: true });
  mkdirSync(site, { recursive: true });
  for (const name of ["python", "python3", "python3.12"]) {
    symlinkSync("/usr/bin/python3", join(bin, name));
  }
  await writeFile(join(bin, "activate"), "# activate\n");
  await writeFile(join(prefix, "pyvenv.cfg"), "home = /usr/bin\n");
  const layout: InstallLayout = {
    prefix,
    scheme: {
      purelib: site,
      platlib: site,
      scripts: bin,
      include: join(prefix, "include"),
      data: prefix,
    },
    headers: join(prefix, "include", "site", "python3.12"),
    python: join(bin, "python"),
  };
  return { layout, cache: Cache.at(join(root, "cache")), root };
}

async function installSpec(spec: WheelSpec) {
  const env = await venvLike();
  const wheel = buildWheel(spec);
  const path = join(env.root, wheel.filename);
  await writeFile(path, wheel.bytes);
  const cached = await unzipWheel({ wheel: path, cache: env.cache });
  const before = snapshot(env.layout.prefix);
  const error = await installWheels([{ cached, requested: true }], { layout: env.layout }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  return { env, error, before };
}

/** Every entry under `dir` with its link target or content. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isSymbolicLink()) out.push(`${path} -> link`);
    else if (entry.isFile()) out.push(`${path}: ${readFileSync(path, "utf8")}`);
    else out.push(`${path}/`);
  }
  return out.sort();
}

function assertRefused(result: Awaited<ReturnType<typeof installSpec>>, fragment: RegExp) {
  const { error, env, before } = result;
  assert.ok(error instanceof PuffinError, `expected a PuffinError, got ${String(error)}`);
  const inner = error.cause instanceof PuffinError ? error.cause : error;
  assert.equal(inner.code, "protected-path");
  assert.match(inner.message, fragment);
  // Nothing changed: the interpreter links, the activation script and pyvenv.cfg are intact.
  assert.deepEqual(snapshot(env.layout.prefix), before);
}

describe("wheels cannot overwrite the environment's own files", () => {
  test("a console script named python3 is refused, before anything is written", async () => {
    const result = await installSpec({
      name: "evil",
      version: "1.0",
      entryPoints: { console_scripts: { python3: "evil:main" } },
    });
    assertRefused(
      result,
      /console entry point `python3` would overwrite .*bin\/python3, one of the environment's interpreter links/,
    );
  });

  test("gui scripts and unversioned names too: python, pythonw, python3.12", async () => {
    for (const name of ["python", "pythonw", "python3.12"]) {
      const result = await installSpec({
        name: "evil",
        version: "1.0",
        entryPoints: { gui_scripts: { [name]: "evil:main" } },
      });
      assertRefused(result, /interpreter links/);
    }
  });

  test("a .data/scripts file named activate (any case) is refused", async () => {
    const result = await installSpec({
      name: "evil",
      version: "1.0",
      data: { scripts: { "Activate.ps1": "Write-Host pwned\n" } },
    });
    assertRefused(result, /activation scripts/);
  });

  test(".data/data/ reaching bin/python3 or pyvenv.cfg through the prefix is refused", async () => {
    assertRefused(
      await installSpec({
        name: "evil",
        version: "1.0",
        data: { data: { "bin/python3": "#!/bin/sh\n" } },
      }),
      /interpreter links/,
    );
    assertRefused(
      await installSpec({ name: "evil", version: "1.0", data: { data: { "pyvenv.cfg": "x\n" } } }),
      /the environment's configuration/,
    );
    assertRefused(
      await installSpec({ name: "evil", version: "1.0", data: { data: { ".lock": "x\n" } } }),
      /environment lock/,
    );
  });

  test("ordinary scripts, including names that merely start with python or activate, install", async () => {
    const { error, env } = await installSpec({
      name: "fine",
      version: "1.0",
      entryPoints: {
        console_scripts: {
          "python-fine": "fine:main",
          "activate-global-python-argcomplete": "fine:main",
          pythonista: "fine:main",
        },
      },
    });
    assert.equal(error, undefined);
    for (const name of ["python-fine", "activate-global-python-argcomplete", "pythonista"]) {
      assert.ok(existsSync(join(env.layout.scheme.scripts, name)), name);
    }
  });

  test("protectedPathReason names what each protected path is", async () => {
    const { layout } = await venvLike();
    const bin = layout.scheme.scripts;
    assert.match(protectedPathReason(layout, join(bin, "python3.13t")) ?? "", /interpreter/);
    assert.match(protectedPathReason(layout, join(bin, "activate.fish")) ?? "", /activation/);
    assert.equal(protectedPathReason(layout, join(bin, "pip")), undefined);
    assert.equal(protectedPathReason(layout, join(layout.prefix, "lib", "python3")), undefined);
  });
});
