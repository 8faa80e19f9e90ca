import assert from "node:assert/strict";
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { unzipWheel } from "../../src/distribution/unzip-wheel.ts";
import { SitePackages, uninstall } from "../../src/installer/index.ts";
import { installTargets, snapshotTree } from "../support/install-target.ts";
import { installWheels } from "../support/install-wheels.ts";
import { buildWheel } from "../support/wheel-builder.ts";

const target = installTargets();

describe("uninstall", () => {
  test("removes every installed file, bytecode and emptied directory: the tree is as before", async () => {
    const t = target();
    // A namespace directory shared with a file that is not the wheel's: it must stay.
    mkdirSync(join(t.layout.scheme.purelib, "shared"));
    writeFileSync(join(t.layout.scheme.purelib, "shared", "other.py"), "");
    const before = snapshotTree(t.layout.prefix);
    const built = buildWheel({
      name: "full",
      version: "1.0",
      files: {
        "full/__init__.py": "",
        "full/sub/deep/mod.py": "x = 1\n",
        "shared/full_part.py": "",
      },
      entryPoints: { console_scripts: { full: "full:main" } },
      data: { headers: { "full.h": "" }, data: { "share/full/x.txt": "x" } },
    });
    const wheel = join(t.root, built.filename);
    writeFileSync(wheel, built.bytes);
    const cached = await unzipWheel({ wheel, cache: t.cache });
    await installWheels([{ cached, requested: true }], { layout: t.layout });
    // Bytecode Python would write on import.
    const pycache = join(t.layout.scheme.purelib, "full", "sub", "deep", "__pycache__");
    mkdirSync(pycache);
    writeFileSync(join(pycache, "mod.cpython-312.pyc"), "");
    writeFileSync(join(pycache, "mod.cpython-312.opt-1.pyc"), "");

    const [dist] = (await SitePackages.read([t.layout.scheme.purelib]))
      .dists()
      .filter((d) => d.name === "full");
    const [removed] = await uninstall([dist!], { layout: t.layout });
    assert.deepEqual(snapshotTree(t.layout.prefix), before);
    assert.ok(removed!.files.includes(join(t.layout.scheme.scripts, "full")));
    assert.ok(removed!.files.includes(join(pycache, "mod.cpython-312.opt-1.pyc")));
    assert.ok(removed!.dirs.includes(join(t.layout.scheme.purelib, "full")));
    assert.ok(removed!.dirs.includes(join(t.layout.headers, "full")));
    assert.ok(!removed!.dirs.includes(t.layout.scheme.scripts), "scheme directories stay");
  });

  test("a directory is removed once its subdirectories are, whatever their names' lengths", async () => {
    const t = target();
    const before = snapshotTree(t.layout.prefix);
    const built = buildWheel({
      name: "nested",
      version: "1.0",
      files: { "nested/core/__init__.py": "", "nested/core/tests/__init__.py": "" },
    });
    const wheel = join(t.root, built.filename);
    writeFileSync(wheel, built.bytes);
    const cached = await unzipWheel({ wheel, cache: t.cache });
    await installWheels([{ cached, requested: true }], { layout: t.layout });
    // `core/__pycache__` is tried before `core/tests` if directories go by path length.
    const pycache = join(t.layout.scheme.purelib, "nested", "core", "__pycache__");
    mkdirSync(pycache);
    writeFileSync(join(pycache, "__init__.cpython-312.pyc"), "");
    const dists = (await SitePackages.read([t.layout.scheme.purelib])).dists();
    await uninstall(dists, { layout: t.layout });
    assert.deepEqual(snapshotTree(t.layout.prefix), before);
  });

  test("never removes anything outside the environment; missing files are skipped", async () => {
    const t = target();
    const outside = join(t.root, "outside.txt");
    writeFileSync(outside, "keep me\n");
    const built = buildWheel({ name: "escape", version: "1.0" });
    const wheel = join(t.root, built.filename);
    writeFileSync(wheel, built.bytes);
    const cached = await unzipWheel({ wheel, cache: t.cache });
    const [installed] = await installWheels([{ cached, requested: false }], { layout: t.layout });
    appendFileSync(join(installed!.distInfo, "RECORD"), "../../outside.txt,,\nescape/gone.py,,\n");
    const [dist] = (await SitePackages.read([t.layout.scheme.purelib])).dists();
    const [removed] = await uninstall([dist!], { layout: t.layout });
    assert.equal(existsSync(outside), true);
    assert.equal(existsSync(installed!.distInfo), false);
    assert.ok(removed!.files.includes(join(t.layout.scheme.purelib, "escape", "__init__.py")));
    assert.ok(!removed!.files.includes(outside));
    assert.ok(
      !removed!.files.some((path) => path.endsWith("gone.py")),
      "missing files are skipped",
    );
  });

  test("an .egg-info directory: installed-files.txt, relative to the .egg-info", async () => {
    const t = target();
    const site = t.layout.scheme.purelib;
    const before = snapshotTree(t.layout.prefix);
    mkdirSync(join(site, "legacy"));
    writeFileSync(join(site, "legacy", "__init__.py"), "");
    mkdirSync(join(site, "legacy-1.0-py3.12.egg-info"));
    writeFileSync(
      join(site, "legacy-1.0-py3.12.egg-info", "PKG-INFO"),
      "Metadata-Version: 1.1\nName: legacy\nVersion: 1.0\n",
    );
    writeFileSync(
      join(site, "legacy-1.0-py3.12.egg-info", "installed-files.txt"),
      "../legacy/__init__.py\nPKG-INFO\ninstalled-files.txt\n",
    );
    const [dist] = (await SitePackages.read([site])).dists();
    assert.equal(dist!.kind, "egg-info-dir");
    await uninstall([dist!], { layout: t.layout });
    assert.deepEqual(snapshotTree(t.layout.prefix), before);
  });
});
