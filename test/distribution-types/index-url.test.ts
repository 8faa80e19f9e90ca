import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { IndexLocations, IndexUrl } from "../../src/distribution-types/index.ts";
import { parseFindLinks } from "../../src/distribution-types/index-url.ts";
import { PackageName } from "../../src/normalize/index.ts";

const urls = (locations: IndexLocations) => locations.indexes().map((index) => index.url);

describe("IndexLocations", () => {
  const cases: {
    name: string;
    args: Parameters<typeof IndexLocations.fromSettings>[0];
    indexes: string[];
    findLinks?: unknown[];
  }[] = [
    { name: "defaults to PyPI", args: {}, indexes: ["https://pypi.org/simple"] },
    {
      name: "consults extra indexes first, in order, then the default index",
      args: {
        indexUrl: "https://main.example/simple",
        extraIndexUrls: ["https://one.example/simple", "https://two.example/simple"],
      },
      indexes: [
        "https://one.example/simple",
        "https://two.example/simple",
        "https://main.example/simple",
      ],
    },
    {
      name: "parses find-links as paths (from cwd) or URLs",
      args: { findLinks: ["wheels", "https://u:p@links.example/"], cwd: "/opt" },
      indexes: ["https://pypi.org/simple"],
      findLinks: [
        { kind: "path", path: "/opt/wheels" },
        {
          kind: "url",
          url: "https://u:p@links.example/",
          redacted: "https://u:****@links.example/",
        },
      ],
    },
    {
      name: "drops every index with --no-index, keeping find-links",
      args: { noIndex: true, extraIndexUrls: ["https://x.example/"], findLinks: ["/w"] },
      indexes: [],
      findLinks: [{ kind: "path", path: "/w" }],
    },
    {
      name: "turns paths into file:// URLs and skips repeats of the same index",
      args: {
        indexUrl: "simple",
        extraIndexUrls: ["https://u:p@a.example/simple/", "https://a.example/simple"],
        cwd: "/srv/index",
      },
      indexes: ["https://u:p@a.example/simple/", "file:///srv/index/simple"],
    },
  ];
  for (const { name, args, indexes, findLinks } of cases) {
    it(name, () => {
      const locations = IndexLocations.fromSettings(args);
      assert.deepEqual(urls(locations), indexes);
      if (findLinks !== undefined) assert.deepEqual(locations.findLinks, findLinks);
    });
  }

  it("rejects unsupported schemes and redacts credentials in errors", () => {
    assert.throws(
      () => IndexUrl.parse("ftp://user:secret@host/simple"),
      (error: Error) => {
        assert.match(error.message, /Unsupported index URL scheme `ftp`/);
        assert.doesNotMatch(error.message, /secret/);
        return true;
      },
    );
    assert.throws(() => parseFindLinks("s3://bucket/links"), /Unsupported find-links URL scheme/);
  });

  it("builds project URLs from normalized names, with or without a trailing slash", () => {
    const name = PackageName.parse("Foo.Bar");
    assert.equal(
      IndexUrl.parse("https://h.example/simple").projectUrl(name),
      "https://h.example/simple/foo-bar/",
    );
    assert.equal(
      IndexUrl.parse("https://h.example/simple/").projectUrl(name),
      "https://h.example/simple/foo-bar/",
    );
    assert.equal(
      IndexUrl.parse("https://u:p@h.example/simple").redacted,
      "https://u:****@h.example/simple",
    );
  });
});
