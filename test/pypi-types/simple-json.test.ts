import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { PackageName } from "../../src/normalize/index.ts";
import {
  parseSimpleJsonProject,
  SIMPLE_API_ACCEPT,
  simpleResponseFormat,
} from "../../src/pypi-types/index.ts";
import { parseSimpleJsonIndex } from "../../src/pypi-types/simple-json.ts";
import corpus from "../corpora/pypi-simple/project_pages.json" with { type: "json" };
import { assertSameFile, type ExpectedPackage } from "./pypi-simple-corpus.ts";

const PYPI_SIMPLE = join(import.meta.dirname, "../corpora/pypi-simple/data");
const read = (file: string) => readFileSync(join(PYPI_SIMPLE, file), "utf8");

describe("parseSimpleJsonProject: pypi-simple's PEP 691 pages", () => {
  for (const c of corpus.json) {
    test(c.filename, () => {
      const url = `https://pypi.org/simple/${c.page.project}/`;
      const page = parseSimpleJsonProject(read(c.filename), { url });
      assert.equal(page.name, c.page.project);
      assert.equal(page.meta.apiVersion, c.page.repository_version);
      assert.equal(
        page.meta.lastSerial,
        c.page.last_serial === null ? undefined : Number(c.page.last_serial),
      );
      assert.deepEqual(page.versions, c.page.versions ?? undefined);
      assert.equal(page.files.length, c.page.packages.length);
      for (const [index, file] of page.files.entries()) {
        assertSameFile(file, c.page.packages[index] as ExpectedPackage);
      }
    });
  }

  test("argset-relative.json: relative file URLs resolve against the page URL", () => {
    const page = parseSimpleJsonProject(read("argset-relative.json"), {
      url: "https://test.nil/simple/argset/",
    });
    assert.deepEqual(
      page.files.map((file) => file.url),
      [
        "https://test.nil/simple/argset/packages/argset-0.1.0-py3-none-any.whl",
        "https://test.nil/simple/argset/packages/argset-0.1.0.tar.gz",
      ],
    );
  });
});

function page(files: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ meta: { "api-version": "1.1" }, name: "Pkg", files, ...extra });
}

function file(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    filename: "pkg-1.0-py3-none-any.whl",
    url: "pkg-1.0-py3-none-any.whl",
    hashes: {},
    ...fields,
  };
}

const URL_ = "https://index.example/simple/pkg/";

describe("parseSimpleJsonProject: fields", () => {
  const one = (fields: Record<string, unknown>) =>
    parseSimpleJsonProject(page([file(fields)]), { url: URL_ }).files[0]!;

  test("the name is normalized; files keep their order", () => {
    const project = parseSimpleJsonProject(
      page([file({ filename: "pkg-2.0.tar.gz", url: "a" }), file({})]),
      { url: URL_ },
    );
    assert.equal(project.name, "pkg");
    assert.deepEqual(
      project.files.map((entry) => entry.filename),
      ["pkg-2.0.tar.gz", "pkg-1.0-py3-none-any.whl"],
    );
  });

  test("yanked: false, true, a reason, an empty reason", () => {
    assert.equal(one({ yanked: false }).yanked, undefined);
    assert.deepEqual(one({ yanked: true }).yanked, { reason: undefined });
    assert.deepEqual(one({ yanked: "broken" }).yanked, { reason: "broken" });
    assert.deepEqual(one({ yanked: "" }).yanked, { reason: undefined });
  });

  test("core-metadata wins over dist-info-metadata; booleans or hash dicts", () => {
    assert.equal(one({}).coreMetadata, undefined);
    assert.equal(one({ "core-metadata": true }).coreMetadata, true);
    assert.equal(
      one({ "core-metadata": false, "dist-info-metadata": true }).coreMetadata,
      undefined,
    );
    assert.deepEqual(one({ "dist-info-metadata": { sha256: "AB" } }).coreMetadata, {
      hashes: { sha256: "ab" },
    });
    assert.deepEqual(
      one({ "core-metadata": { sha256: "cd" }, "dist-info-metadata": { sha256: "ab" } })
        .coreMetadata,
      { hashes: { sha256: "cd" } },
    );
  });

  test("hashes: every algorithm kept, lowercased; a URL fragment's hashes join them", () => {
    const entry = one({
      url: "x/pkg-1.0-py3-none-any.whl#md5=AA",
      hashes: { sha256: "BB", blake2b: "cc" },
    });
    assert.deepEqual(entry.hashes, { md5: "aa", sha256: "bb", blake2b: "cc" });
    assert.equal(entry.url, "https://index.example/simple/pkg/x/pkg-1.0-py3-none-any.whl");
  });

  test("requires-python: null and blank mean none; lenient parsing", () => {
    assert.equal(one({ "requires-python": null }).requiresPython, undefined);
    assert.equal(one({ "requires-python": " " }).requiresPython, undefined);
    assert.equal(one({ "requires-python": ">=3.8.*" }).requiresPython?.toString(), ">=3.8");
  });

  test("size and upload-time (PEP 700)", () => {
    const entry = one({ size: 0, "upload-time": "2024-01-02T03:04:05+01:00" });
    assert.equal(entry.size, 0);
    assert.equal(entry.uploadTime, "2024-01-02T03:04:05+01:00");
  });

  test("the caller's package name splits sdist filenames", () => {
    const project = parseSimpleJsonProject(
      page([file({ filename: "aws-adfs-ebsco-0.3.6-2.tar.gz", url: "a.tar.gz" })], {
        name: "aws-adfs-ebsco",
      }),
      { url: URL_, packageName: PackageName.parse("aws-adfs-ebsco") },
    );
    const dist = project.files[0]!.distFilename;
    assert.equal(dist.kind, "sdist");
    assert.equal(dist.kind === "sdist" && dist.filename.version.toString(), "0.3.6.post2");
  });

  test("files that are not distributions are skipped", () => {
    const project = parseSimpleJsonProject(page([file({ filename: "notes.txt" }), file({})]), {
      url: URL_,
    });
    assert.deepEqual(
      project.files.map((entry) => entry.filename),
      ["pkg-1.0-py3-none-any.whl"],
    );
  });
});

describe("parseSimpleJsonProject: shape errors name the URL and the field", () => {
  const table: [string, string, RegExp][] = [
    ["not JSON", "{", /not valid JSON/],
    ["a list", "[]", /the response must be an object, not an array/],
    ["no meta", JSON.stringify({ name: "pkg", files: [] }), /meta must be an object/],
    [
      "no api-version",
      JSON.stringify({ meta: {}, name: "pkg", files: [] }),
      /meta\.api-version must be a string/,
    ],
    [
      "no files",
      JSON.stringify({ meta: { "api-version": "1.0" }, name: "pkg" }),
      /files must be an array/,
    ],
    ["bad name", page([], { name: "-x-" }), /name "-x-" is not a valid project name/],
    ["no url", page([file({ url: undefined })]), /files\[0\]\.url must be a string/],
    ["bad url", page([file({ url: "http://[x" })]), /files\[0\]\.url is not a valid URL/],
    ["no hashes", page([file({ hashes: undefined })]), /files\[0\]\.hashes must be an object/],
    [
      "hash not a string",
      page([file({ hashes: { sha256: 1 } })]),
      /files\[0\]\.hashes\.sha256 must be a string, not 1/,
    ],
    ["yanked number", page([file({ yanked: 1 })]), /files\[0\]\.yanked must be a string/],
    [
      "negative size",
      page([file({ size: -1 })]),
      /files\[0\]\.size must be a non-negative integer, not -1/,
    ],
    [
      "fractional size",
      page([file({ size: 1.5 })]),
      /files\[0\]\.size must be a non-negative integer/,
    ],
    [
      "bad upload-time",
      page([file({ "upload-time": "yesterday" })]),
      /files\[0\]\.upload-time must be an RFC 3339/,
    ],
    [
      "bad metadata",
      page([file({ "core-metadata": "yes" })]),
      /files\[0\]\.core-metadata must be an object/,
    ],
    ["bad versions", page([], { versions: [1] }), /versions\[0\] must be a string/],
    [
      "bad serial",
      JSON.stringify({ meta: { "api-version": "1.0", "_last-serial": "7" }, name: "p", files: [] }),
      /meta\._last-serial/,
    ],
  ];
  for (const [name, text, message] of table) {
    test(name, () => {
      assert.throws(
        () => parseSimpleJsonProject(text, { url: "https://u:secret@index.example/simple/pkg/" }),
        (error: Error & { code?: string }) =>
          error.code === "invalid-simple-json" &&
          error.message.startsWith(
            "Invalid simple API JSON from https://u:****@index.example/simple/pkg/: ",
          ) &&
          message.test(error.message),
      );
    });
  }

  test("a newer major API version is refused", () => {
    assert.throws(
      () =>
        parseSimpleJsonProject(
          JSON.stringify({ meta: { "api-version": "2.0" }, name: "p", files: [] }),
          { url: URL_ },
        ),
      { code: "unsupported-simple-api-version" },
    );
  });
});

describe("parseSimpleJsonIndex", () => {
  test("project names normalized, URLs under the index", () => {
    const text = JSON.stringify({
      meta: { "api-version": "1.0", "_last-serial": 42 },
      projects: [{ name: "Foo.Bar" }, { name: "baz" }],
    });
    for (const url of ["https://pypi.org/simple/", "https://pypi.org/simple"]) {
      const index = parseSimpleJsonIndex(text, url);
      assert.deepEqual(index, {
        projects: [
          { name: "foo-bar", url: "https://pypi.org/simple/foo-bar/" },
          { name: "baz", url: "https://pypi.org/simple/baz/" },
        ],
        meta: { apiVersion: "1.0", lastSerial: 42 },
      });
    }
  });

  test("shape errors", () => {
    assert.throws(
      () => parseSimpleJsonIndex(JSON.stringify({ meta: { "api-version": "1.0" } }), URL_),
      /projects must be an array/,
    );
    assert.throws(
      () =>
        parseSimpleJsonIndex(
          JSON.stringify({ meta: { "api-version": "1.0" }, projects: [{}] }),
          URL_,
        ),
      /projects\[0\]\.name must be a string/,
    );
  });
});

describe("content negotiation", () => {
  test("the Accept header prefers JSON, then the versioned HTML, then text/html", () => {
    assert.equal(
      SIMPLE_API_ACCEPT,
      "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01",
    );
  });

  test("response format from Content-Type", () => {
    const table: [string | undefined, "json" | "html"][] = [
      ["application/vnd.pypi.simple.v1+json", "json"],
      ["Application/Vnd.Pypi.Simple.V1+JSON; charset=utf-8", "json"],
      ["application/vnd.pypi.simple.v1+html", "html"],
      ["text/html; charset=utf-8", "html"],
      // Any JSON type is read as PEP 691, so that a body that is not JSON is an error.
      ["application/json", "json"],
      ["application/vnd.pypi.simple.latest+json", "json"],
      [undefined, "html"],
    ];
    for (const [contentType, format] of table)
      assert.equal(simpleResponseFormat(contentType), format, contentType);
  });
});
