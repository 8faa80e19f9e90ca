import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { PackageName } from "../../src/normalize/index.ts";
import { VersionSpecifiers } from "../../src/pep440/index.ts";
import {
  parseSimpleHtmlProject,
  type SimpleFile,
  type SimpleProject,
} from "../../src/pypi-types/index.ts";
import { parseSimpleHtmlIndex } from "../../src/pypi-types/simple-html.ts";
import { setLogSink } from "../../src/support/index.ts";
import corpus from "../corpora/pypi-simple/project_pages.json" with { type: "json" };
import { assertSameFile, type ExpectedPackage } from "./pypi-simple-corpus.ts";

const PYPI_SIMPLE = join(import.meta.dirname, "../corpora/pypi-simple/data");
const PIP_INDEXES = join(import.meta.dirname, "../corpora/pip/indexes");

function project(html: string, url: string, name: string): SimpleProject {
  return parseSimpleHtmlProject(html, { url, packageName: PackageName.parse(name) });
}

describe("parseSimpleHtmlProject: pypi-simple's project pages", () => {
  for (const c of corpus.html) {
    test(c.filename, () => {
      const html = readFileSync(join(PYPI_SIMPLE, c.filename), "utf8");
      const page = project(html, c.base_url, c.project);
      assert.equal(page.name, c.project);
      assert.equal(page.meta.apiVersion, c.page.repository_version ?? "1.0");
      assert.equal(page.meta.lastSerial, undefined);
      assert.equal(page.versions, undefined);
      assert.equal(page.files.length, c.page.packages.length);
      for (const [index, file] of page.files.entries()) {
        assertSameFile(file, c.page.packages[index] as ExpectedPackage);
      }
    });
  }

  test("aws-adfs-ebsco.html: the project name splits sdists whose version has a dash", () => {
    const html = readFileSync(join(PYPI_SIMPLE, "aws-adfs-ebsco.html"), "utf8");
    const page = project(html, "https://pypi.org/simple/aws-adfs-ebsco/", "aws-adfs-ebsco");
    assert.deepEqual(
      page.files.map((file) => [file.distFilename.kind, versionOf(file)]),
      [
        ["sdist", "0.3.6.post2"],
        ["sdist", "0.3.7.post1"],
      ],
    );
    assert.deepEqual(page.files[0]!.hashes, {
      sha256: "6eadd17408e1f26a313bc75afaa3011333bc2915461c446720bafd7608987e1e",
    });
  });

  test("session01/in-place.html: entity-escaped data-requires-python", () => {
    const html = readFileSync(join(PYPI_SIMPLE, "session01/in-place.html"), "utf8");
    const page = project(html, "https://pypi.org/simple/in-place/", "in-place");
    const withPython = page.files.filter((file) => file.requiresPythonRaw !== undefined);
    assert.ok(withPython.length > 0);
    for (const file of withPython) {
      assert.equal(file.requiresPythonRaw, ">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, <4");
      assert.equal(
        file.requiresPython?.toString(),
        specifiers(">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, <4"),
      );
    }
    assert.ok(page.files.every((file) => file.distFilename.kind !== "legacy"));
  });
});

function specifiers(text: string): string {
  return VersionSpecifiers.parse(text).toString();
}

function versionOf(file: SimpleFile): string | undefined {
  return file.distFilename.kind === "legacy"
    ? undefined
    : file.distFilename.filename.version.toString();
}

describe("parseSimpleHtmlIndex: project lists", () => {
  const table: {
    file: string;
    url: string;
    first: [string, string];
    count: number;
    apiVersion: string;
  }[] = [
    {
      file: "simple01.html",
      url: "https://pypi.org/simple/",
      first: ["a", "https://pypi.org/simple/a/"],
      count: 20,
      apiVersion: "1.0",
    },
    {
      file: "simple_base.html",
      url: "https://test.nil/simple/",
      first: ["a", "https://test.nil/simple/projects/a/"],
      count: 5,
      apiVersion: "1.0",
    },
    {
      file: "simple_devpi.html",
      url: "https://m.devpi.net/fschulze/dev/+simple/",
      first: ["devpi", "https://m.devpi.net/fschulze/dev/+simple/devpi"],
      count: 18,
      apiVersion: "1.0",
    },
    {
      file: "simple_repo_version.html",
      url: "https://pypi.org/simple/",
      first: ["a", "https://pypi.org/simple/a/"],
      count: 5,
      apiVersion: "1.0",
    },
    {
      file: "session01/simple.html",
      url: "https://pypi.org/simple/",
      first: ["in-place", "https://pypi.org/simple/in-place/"],
      count: 3,
      apiVersion: "1.0",
    },
  ];
  for (const c of table) {
    test(c.file, () => {
      const index = parseSimpleHtmlIndex(readFileSync(join(PYPI_SIMPLE, c.file), "utf8"), c.url);
      assert.equal(index.projects.length, c.count);
      assert.deepEqual([index.projects[0]!.name, index.projects[0]!.url], c.first);
      assert.equal(index.meta.apiVersion, c.apiVersion);
    });
  }

  test("names are normalized from the link text", () => {
    const index = parseSimpleHtmlIndex(
      readFileSync(join(PYPI_SIMPLE, "simple01.html"), "utf8"),
      "https://pypi.org/simple/",
    );
    const names = index.projects.map((entry) => entry.name);
    assert.ok(names.includes(PackageName.parse("a2m-itertools")));
    assert.ok(names.includes(PackageName.parse("a3mio")));
    assert.ok(names.includes(PackageName.parse("a4t-party-contact")));
  });

  test("anchors whose text is not a project name are skipped", () => {
    const index = parseSimpleHtmlIndex(
      `<a href="x/">not a name!</a><a href="ok/">ok</a>`,
      "https://e.com/simple/",
    );
    assert.deepEqual(index.projects, [{ name: "ok", url: "https://e.com/simple/ok/" }]);
  });
});

/** pip's test indexes, read through `file://` URLs as pip's own tests do. */
describe("parseSimpleHtmlProject: pip's test indexes", () => {
  function pipPage(path: string, name: string): SimpleProject {
    const file = join(PIP_INDEXES, path, "index.html");
    return project(readFileSync(file, "utf8"), pathToFileURL(file).href, name);
  }
  const packages = pathToFileURL(join(PIP_INDEXES, "../packages")).href;

  test("yanked: data-yanked with a reason", () => {
    const page = pipPage("yanked/simple", "simple");
    assert.deepEqual(
      page.files.map((file) => [file.filename, file.yanked]),
      [
        ["simple-1.0.tar.gz", undefined],
        ["simple-2.0.tar.gz", undefined],
        ["simple-3.0.tar.gz", { reason: "test reason message" }],
      ],
    );
    assert.equal(page.files[0]!.url, `${packages}/simple-1.0.tar.gz`);
  });

  test("yanked_all: every file yanked", () => {
    const page = pipPage("yanked_all/simple", "simple");
    assert.equal(page.files.length, 3);
    assert.ok(page.files.every((file) => file.yanked?.reason === "test reason message"));
  });

  test("pre and dev: the filename comes from the URL, not the link text", () => {
    const pre = pipPage("pre/bar", "bar");
    assert.deepEqual(
      pre.files.map((file) => [file.filename, versionOf(file)]),
      [
        ["bar-1.0.tar.gz", "1.0"],
        ["bar-2.0b1.tar.gz", "2.0b1"],
        ["bar-2.0.dev1.tar.gz", "2.0.dev1"],
      ],
    );
    const dev = pipPage("dev/bar", "bar");
    assert.deepEqual(
      dev.files.map((file) => versionOf(file)),
      ["1.0", "2.0.dev1"],
    );
  });

  test("datarequire: data-requires-python, blank and invalid values", () => {
    const page = pipPage("datarequire/fakepackage", "fakepackage");
    assert.deepEqual(
      page.files.map((file) => [
        file.filename,
        file.requiresPythonRaw,
        file.requiresPython?.toString(),
      ]),
      [
        ["fakepackage-1.0.0.tar.gz", "", undefined],
        ["fakepackage-2.6.0.tar.gz", "<2.7", specifiers("<2.7")],
        ["fakepackage-2.7.0.tar.gz", ">=2.7,<3", specifiers(">=2.7,<3")],
        ["fakepackage-3.3.0.tar.gz", ">=3.3", specifiers(">=3.3")],
        // Invalid even leniently: kept, without a constraint, as pip does.
        ["fakepackage-9.9.9.tar.gz", "><X.y.z", undefined],
      ],
    );
    // `href="/…"` on a file:// page is the filesystem root; md5 fragments are hashes too.
    assert.equal(page.files[0]!.url, "file:///fakepackage-1.0.0.tar.gz");
    assert.deepEqual(page.files[0]!.hashes, { md5: "00000000000000000000000000000000" });
    // `<meta name="api-version" value="2">` is not PEP 629's meta element.
    assert.equal(page.meta.apiVersion, "1.0");
  });

  test("invalid-version: a wheel whose version is not PEP 440 is skipped", () => {
    assert.deepEqual(
      pipPage("invalid-version/invalid-version", "invalid-version").files.map(
        (file) => file.filename,
      ),
      ["invalid_version-1.0-py3-none-any.whl"],
    );
    assert.deepEqual(
      pipPage("require-invalid-version/invalid-version", "invalid-version").files,
      [],
    );
    assert.deepEqual(
      pipPage(
        "require-invalid-version/require-invalid-version",
        "require-invalid-version",
      ).files.map((file) => [file.distFilename.kind, versionOf(file)]),
      [
        ["wheel", "0.1"],
        ["wheel", "1.0"],
        ["sdist", "1.0"],
      ],
    );
  });

  test("in dex: URL quoting in file:// index URLs", () => {
    const page = pipPage("in dex/simple", "simple");
    assert.match(
      pipPage("in dex/simple", "simple").files[0]!.url,
      /^file:\/\/\/.*\/packages\/simple-1\.0\.tar\.gz$/,
    );
    assert.equal(page.files[0]!.url, `${packages}/simple-1.0.tar.gz`);
    assert.deepEqual(page.files[0]!.hashes, { md5: "4bdf78ebb7911f215c1972cf71b378f0" });
    const simple = pipPage("simple/simple", "simple");
    assert.equal(simple.files[0]!.url, page.files[0]!.url);
  });

  test("empty_with_pkg: an empty page has no files", () => {
    assert.deepEqual(pipPage("empty_with_pkg", "simple").files, []);
  });
});

describe("parseSimpleHtmlProject: attributes", () => {
  const url = "https://example.com/simple/pkg/";
  const one = (anchor: string) => project(anchor, url, "pkg").files[0]!;

  test("hash fragments: any hashlib algorithm, several, percent-encoded, lowercased", () => {
    const file = one(`<a href="/f/pkg-1.0.tar.gz?x=1#sha512=AB&amp;md5=CD%3D&amp;egg=pkg">x</a>`);
    assert.equal(file.url, "https://example.com/f/pkg-1.0.tar.gz?x=1");
    assert.equal(file.filename, "pkg-1.0.tar.gz");
    assert.deepEqual(file.hashes, { sha512: "ab", md5: "cd=" });
  });

  test("percent-encoded filenames are decoded (local versions)", () => {
    const file = one(`<a href="pkg-1.0%2Bcpu-py3-none-any.whl#sha256=00">x</a>`);
    assert.equal(file.filename, "pkg-1.0+cpu-py3-none-any.whl");
    assert.equal(file.url, "https://example.com/simple/pkg/pkg-1.0%2Bcpu-py3-none-any.whl");
  });

  test("PEP 714 data-core-metadata wins over PEP 658 data-dist-info-metadata", () => {
    const cases: [string, unknown][] = [
      [`data-dist-info-metadata="true"`, true],
      [
        `data-core-metadata="sha256=AA" data-dist-info-metadata="sha256=bb"`,
        { hashes: { sha256: "aa" } },
      ],
      [`data-dist-info-metadata="sha256=bb" data-core-metadata="true"`, true],
      [`data-core-metadata="false"`, undefined],
      [`data-core-metadata="nonsense"`, undefined],
      [``, undefined],
    ];
    for (const [attributes, expected] of cases) {
      const file = one(`<a href="pkg-1.0-py3-none-any.whl" ${attributes}>x</a>`);
      assert.deepEqual(file.coreMetadata, expected, attributes);
    }
  });

  test("data-yanked: empty or valueless means yanked without a reason", () => {
    for (const [attribute, expected] of [
      [`data-yanked`, { reason: undefined }],
      [`data-yanked=""`, { reason: undefined }],
      [`data-yanked="bad &amp; broken"`, { reason: "bad & broken" }],
      [``, undefined],
    ] as const) {
      assert.deepEqual(
        one(`<a href="pkg-1.0.tar.gz" ${attribute}>x</a>`).yanked,
        expected,
        attribute,
      );
    }
  });

  test("requires-python is read leniently", () => {
    const file = one(`<a href="pkg-1.0.tar.gz" data-requires-python="&gt;=3.6.*">x</a>`);
    assert.equal(file.requiresPythonRaw, ">=3.6.*");
    assert.equal(file.requiresPython?.toString(), ">=3.6");
  });

  test("legacy formats are kept, classified; non-distributions are skipped", () => {
    const page = project(
      [
        `<a href="pkg-1.0-py2.7.egg">egg</a>`,
        `<a href="pkg-1.0.win32.exe">exe</a>`,
        `<a href="pkg-1.0.linux-x86_64.tar.gz">dumb</a>`,
        `<a href="README.txt">readme</a>`,
        `<a href="../">up</a>`,
        `<a href="pkg-1.0.tar.gz">sdist</a>`,
      ].join("\n"),
      url,
      "pkg",
    );
    assert.deepEqual(
      page.files.map((file) => [file.filename, file.distFilename.kind]),
      [
        ["pkg-1.0-py2.7.egg", "legacy"],
        ["pkg-1.0.win32.exe", "legacy"],
        ["pkg-1.0.linux-x86_64.tar.gz", "legacy"],
        ["pkg-1.0.tar.gz", "sdist"],
      ],
    );
  });
});

describe("PEP 629 repository version", () => {
  const page = (version: string) =>
    `<meta name="pypi:repository-version" content="${version}"><a href="pkg-1.0.tar.gz">x</a>`;
  const url = "https://user:secret@example.com/simple/pkg/";

  test("a newer major version is refused, naming the URL without credentials", () => {
    assert.throws(
      () => project(page("2.0"), url, "pkg"),
      (error: Error & { code?: string }) =>
        error.code === "unsupported-simple-api-version" &&
        error.message.includes("https://user:****@example.com/simple/pkg/") &&
        !error.message.includes("secret") &&
        error.message.includes("2.0"),
    );
  });

  test("a newer minor version warns once and parses", () => {
    const warnings: string[] = [];
    setLogSink((level, message) => level === "warn" && warnings.push(message), {
      debug: false,
      trace: false,
    });
    try {
      assert.equal(project(page("1.99"), url, "pkg").meta.apiVersion, "1.99");
      assert.equal(project(page("1.99"), url, "pkg").files.length, 1);
    } finally {
      setLogSink(undefined, { debug: false, trace: false });
    }
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /1\.99/);
    assert.doesNotMatch(warnings[0]!, /secret/);
  });

  test("known versions pass silently; a malformed one is an error", () => {
    for (const version of ["1.0", "1.1", "1.4"]) {
      assert.equal(project(page(version), url, "pkg").meta.apiVersion, version);
    }
    assert.throws(() => project(page("one"), url, "pkg"), { code: "invalid-simple-api-version" });
  });

  test("the page URL must be absolute", () => {
    assert.throws(() => project(page("1.0"), "simple/pkg/", "pkg"), { code: "invalid-index-url" });
  });
});
