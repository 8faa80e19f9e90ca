import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { unzipWheel } from "../../src/distribution/unzip-wheel.ts";
import { makeInstallTarget, snapshotTree } from "../support/install-target.ts";
import { installWheels } from "../support/install-wheels.ts";

const corpus = new URL("../corpora/installer/pip/", import.meta.url).pathname;
const zipCorpus = new URL("../corpora/zip/pip/", import.meta.url).pathname;
const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Installs one of pip's test wheels into a fresh target; returns its files. */
async function install(path: string) {
  const { root, layout, cache } = makeInstallTarget("/env/bin/python");
  roots.push(root);
  const cached = await unzipWheel({ wheel: path, cache });
  await installWheels([{ cached, requested: true }], { layout });
  const tree = snapshotTree(layout.prefix);
  return new Map([...tree].filter(([path]) => !path.endsWith("/")));
}

const launcher = (module: string, attr: string) =>
  `#!/env/bin/python\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom ${module} import ${attr}\nif __name__ == "__main__":\n    sys.argv[0] = re.sub(r"(-script\\.pyw|\\.exe)?$", "", sys.argv[0])\n    sys.exit(${attr}())\n`;

describe("pip's test wheels behave as pip installs them", () => {
  test("console_scripts_uppercase: the script keeps its case", async () => {
    const tree = await install(join(corpus, "console_scripts_uppercase-1.0-py2.py3-none-any.whl"));
    assert.deepEqual(tree.get("scripts/cmdName"), {
      content: launcher("cmdmod", "cmd"),
      executable: true,
    });
  });

  test("has.script: a script without #!python is installed as is, executable", async () => {
    const tree = await install(join(corpus, "has.script-1.0-py2.py3-none-any.whl"));
    assert.deepEqual(tree.get("scripts/script.py"), { content: "#script\n", executable: true });
    assert.ok(tree.has("purelib/has.script-1.0.dist-info/METADATA"));
  });

  test("script.wheel1: setuptools' wrappers for the entry point are skipped", async () => {
    const tree = await install(join(corpus, "script.wheel1-0.1-py2.py3-none-any.whl"));
    const scripts = [...tree.keys()].filter((p) => p.startsWith("scripts/")).sort();
    assert.deepEqual(scripts, ["scripts/t1"]);
    assert.equal(tree.get("scripts/t1")!.content, launcher("test", "main"));
  });

  test("script.wheel1a: entries without Unix modes", async () => {
    const tree = await install(join(corpus, "script.wheel1a-0.1-py2.py3-none-any.whl"));
    assert.equal(tree.get("purelib/test.py")!.executable, false);
    assert.equal(tree.get("scripts/t1")!.executable, true);
  });

  test("script.wheel2: other scripts are kept; only #!python is rewritten", async () => {
    const tree = await install(join(corpus, "script.wheel2-0.1-py2.py3-none-any.whl"));
    assert.deepEqual([...tree.keys()].filter((p) => p.startsWith("scripts/")).sort(), [
      "scripts/t1",
      "scripts/testscript1.bat",
      "scripts/testscript2",
    ]);
    assert.equal(
      tree.get("scripts/testscript1.bat")!.content,
      "rem should be unchanged\r\necho Hello, world\r\n",
    );
    assert.equal(
      tree.get("scripts/testscript2")!.content,
      "#!/usr/bin/env python\r\n\r\necho Should be changed\r\n",
    );
  });

  test("script.wheel3: a GUI entry point; the .pyw wrapper is not one pip skips", async () => {
    const tree = await install(join(corpus, "script.wheel3-0.1-py2.py3-none-any.whl"));
    assert.equal(tree.get("scripts/t1")!.content, launcher("test", "main"));
    const pyw = tree.get("scripts/t1-script.pyw")!.content;
    assert.ok(pyw.startsWith("#!/env/bin/python\n# EASY-INSTALL-ENTRY-SCRIPT"), pyw);
    assert.equal(tree.has("scripts/t1.exe"), false);
  });

  test("simple_namespace: the -nspkg.pth file lands in site-packages", async () => {
    const tree = await install(join(corpus, "simple_namespace-1.0-py2.py3-none-any.whl"));
    assert.ok(tree.has("purelib/simple_namespace-1.0-py3.7-nspkg.pth"));
    assert.ok(tree.has("purelib/simple_namespace/module/__init__.py"));
  });

  test("complex_dist: Wheel-Version 0.1; the data script named like the entry point is skipped", async () => {
    const tree = await install(join(corpus, "complex_dist-0.1-py2.py3-none-any.whl"));
    assert.equal(tree.get("scripts/complex-dist")!.content, launcher("complexdist", "main"));
  });

  test("meta: Root-Is-Purelib false goes to platlib", async () => {
    const tree = await install(join(corpus, "meta-1.0-py2.py3-none-any.whl"));
    assert.ok(tree.has("platlib/meta-1.0.dist-info/METADATA"));
    assert.equal(
      [...tree.keys()].some((p) => p.startsWith("purelib/")),
      false,
    );
  });

  test("simple.dist: RECORD.jws is installed and listed", async () => {
    const tree = await install(join(corpus, "simple.dist-0.1-py2.py3-none-any.whl"));
    assert.ok(tree.has("purelib/simple.dist-0.1.dist-info/RECORD.jws"));
    assert.match(
      tree.get("purelib/simple.dist-0.1.dist-info/RECORD")!.content,
      /^simple\.dist-0\.1\.dist-info\/RECORD\.jws,sha256=/m,
    );
  });

  test("prjwithdatafile: .data/data files go to the data scheme", async () => {
    const tree = await install(join(zipCorpus, "prjwithdatafile-1.0-py2.py3-none-any.whl"));
    assert.ok(tree.has("data/packages1/README.txt"));
    assert.ok(tree.has("data/packages2/README.txt"));
    assert.ok(tree.has("purelib/prjwithdatafile/somemodule.py"));
  });

  test("colander: a real package installs all its files, listed in RECORD", async () => {
    const tree = await install(join(zipCorpus, "colander-0.9.9-py2.py3-none-any.whl"));
    const record = tree.get("purelib/colander-0.9.9.dist-info/RECORD")!.content;
    const listed = record
      .trimEnd()
      .split("\n")
      .map((line) => line.split(",")[0]);
    const installed = [...tree.keys()].map((path) => path.replace(/^purelib\//, ""));
    assert.deepEqual(listed.sort(), installed.sort());
  });
});
