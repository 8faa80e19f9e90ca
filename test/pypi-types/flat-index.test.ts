import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { flatIndexFromDirectory } from "../../src/pypi-types/flat-index.ts";
import {
  type FlatIndex,
  parseFlatIndexHtml,
  readFlatIndexDirectory,
} from "../../src/pypi-types/index.ts";

function summary(index: FlatIndex): Record<string, string[]> {
  return Object.fromEntries(
    [...index].map(([name, files]) => [name, files.map((file) => file.url)]),
  );
}

describe("parseFlatIndexHtml", () => {
  const html = `<!DOCTYPE html><html><body>
    <h1>Downloads</h1>
    <a href="Foo_Bar-1.0-py3-none-any.whl#sha256=AA" data-requires-python="&gt;=3.8">Foo_Bar wheel</a>
    <a href="sub/foo.bar-2.0.tar.gz" data-yanked="oops">foo.bar 2.0</a>
    <a href="https://cdn.example/baz-0.1-cp311-cp311-linux_x86_64.whl">baz</a>
    <a href="baz-0.1-py2.7.egg">an egg</a>
    <a href="index.html">home</a>
    <a href="README">readme</a>
    <a href="broken-.whl">broken</a>
  </body></html>`;
  const url = "https://example.com/downloads/";

  test("files of several packages, grouped by the package their filename names", () => {
    assert.deepEqual(summary(parseFlatIndexHtml(html, url)), {
      "foo-bar": [
        "https://example.com/downloads/Foo_Bar-1.0-py3-none-any.whl",
        "https://example.com/downloads/sub/foo.bar-2.0.tar.gz",
      ],
      baz: ["https://cdn.example/baz-0.1-cp311-cp311-linux_x86_64.whl"],
    });
  });

  test("the same attributes as an index page", () => {
    const [wheel, sdist] = parseFlatIndexHtml(html, url).get("foo-bar" as never)!;
    assert.deepEqual(wheel!.hashes, { sha256: "aa" });
    assert.equal(wheel!.requiresPythonRaw, ">=3.8");
    assert.deepEqual(sdist!.yanked, { reason: "oops" });
  });

  test("<base href> applies", () => {
    const index = parseFlatIndexHtml(
      `<base href="https://files.example/x/"><a href="a-1.0.tar.gz">a</a>`,
      url,
    );
    assert.deepEqual(summary(index), { a: ["https://files.example/x/a-1.0.tar.gz"] });
  });
});

describe("find-links directories", () => {
  test("flatIndexFromDirectory: file:// URLs (spaces quoted), non-distributions skipped", () => {
    const index = flatIndexFromDirectory("/srv/wheel house", [
      "numpy-2.0.0-cp311-cp311-manylinux_2_17_x86_64.whl",
      "Django-5.0.tar.gz",
      "numpy-1.26.0.tar.gz",
      "notes.txt",
      "old-1.0.win32.exe",
    ]);
    assert.deepEqual(summary(index), {
      numpy: [
        "file:///srv/wheel%20house/numpy-2.0.0-cp311-cp311-manylinux_2_17_x86_64.whl",
        "file:///srv/wheel%20house/numpy-1.26.0.tar.gz",
      ],
      django: ["file:///srv/wheel%20house/Django-5.0.tar.gz"],
    });
    const file = index.get("django" as never)![0]!;
    assert.deepEqual(file.hashes, {});
    assert.equal(file.filename, "Django-5.0.tar.gz");
  });

  test("readFlatIndexDirectory lists files and links to files, not directories", async () => {
    const dir = mkdtempSync(join(tmpdir(), "puffin-flat-"));
    try {
      writeFileSync(join(dir, "b-1.0-py3-none-any.whl"), "");
      writeFileSync(join(dir, "a-2.0.zip"), "");
      symlinkSync(join(dir, "a-2.0.zip"), join(dir, "a-3.0.zip"));
      mkdirSync(join(dir, "c-1.0.tar.gz"));
      symlinkSync(join(dir, "c-1.0.tar.gz"), join(dir, "c-2.0.tar.gz"));
      const index = await readFlatIndexDirectory(dir);
      const base = pathToFileURL(dir).href;
      assert.deepEqual(summary(index), {
        a: [`${base}/a-2.0.zip`, `${base}/a-3.0.zip`],
        b: [`${base}/b-1.0-py3-none-any.whl`],
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("an unreadable directory is an error that names it", async () => {
    await assert.rejects(readFlatIndexDirectory("/nonexistent/puffin-find-links"), {
      code: "find-links-unreadable",
      message: /\/nonexistent\/puffin-find-links/,
    });
  });
});
