import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PackageName } from "../../src/normalize/index.ts";
import { parseHtmlLinks } from "../../src/pypi-types/html-links.ts";
import { parseSimpleHtmlProject, readFlatIndexDirectory } from "../../src/pypi-types/index.ts";
import { parseSimpleHtmlIndex } from "../../src/pypi-types/simple-html.ts";

/**
 * The offline index of this project's machines (DESIGN.md §7): every project page of every
 * `file://` index must parse, with every anchor a file that exists, carries a sha256 and names
 * the page's project. Skipped where the index is absent.
 */
const INDEXES = ["/opt/pypi/simple", "/opt/pypi-more/simple"];
const FIND_LINKS = "/opt/wheels";

for (const root of INDEXES) {
  describe(`offline index ${root}`, {
    skip: existsSync(root) ? false : `${root} is absent`,
  }, () => {
    const projects = existsSync(root)
      ? readdirSync(root, { withFileTypes: true })
          .filter((entry) => entry.isDirectory())
          .map((entry) => entry.name)
      : [];

    test("the root page lists every project directory", () => {
      const file = join(root, "index.html");
      const index = parseSimpleHtmlIndex(readFileSync(file, "utf8"), pathToFileURL(file).href);
      assert.deepEqual(
        index.projects.map((entry) => entry.name).sort(),
        projects.map((name) => PackageName.parse(name)).sort(),
      );
      for (const entry of index.projects) {
        assert.ok(existsSync(join(fileURLToPath(entry.url), "index.html")), entry.url);
      }
    });

    test(`every project page parses (${projects.length} pages)`, () => {
      let files = 0;
      for (const project of projects) {
        const path = join(root, project, "index.html");
        const html = readFileSync(path, "utf8");
        const url = pathToFileURL(path).href;
        const name = PackageName.parse(project);
        const page = parseSimpleHtmlProject(html, { url, packageName: name });
        assert.equal(
          page.files.length,
          parseHtmlLinks(html, url).links.length,
          `${project}: a link was not a file`,
        );
        for (const file of page.files) {
          assert.notEqual(file.distFilename.kind, "legacy", file.filename);
          if (file.distFilename.kind !== "legacy")
            assert.equal(file.distFilename.filename.name, name, file.filename);
          assert.match(file.hashes.sha256 ?? "", /^[0-9a-f]{64}$/, file.filename);
          assert.ok(existsSync(fileURLToPath(file.url)), file.url);
        }
        files += page.files.length;
      }
      assert.ok(files >= projects.length, `${files} files in ${projects.length} projects`);
    });
  });
}

test(`find-links directory ${FIND_LINKS}`, {
  skip: existsSync(FIND_LINKS) ? false : `${FIND_LINKS} is absent`,
}, async () => {
  const index = await readFlatIndexDirectory(FIND_LINKS);
  const distributions = readdirSync(FIND_LINKS).filter((name) => /\.(whl|tar\.gz|zip)$/.test(name));
  assert.equal(
    [...index.values()].reduce((count, files) => count + files.length, 0),
    distributions.length,
  );
  for (const files of index.values()) {
    for (const file of files) assert.ok(existsSync(fileURLToPath(file.url)), file.url);
  }
});
