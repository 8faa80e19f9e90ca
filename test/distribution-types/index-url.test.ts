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
    { name: "defaults to PyPI", args: { env: {} }, indexes: ["https://pypi.org/simple"] },
    {
      name: "consults extra indexes first, in order, then the default index",
      args: {
        indexUrl: "https://main.example/simple",
        extraIndexUrls: ["https://one.example/simple", "https://two.example/simple"],
        env: {},
      },
      indexes: [
        "https://one.example/simple",
        "https://two.example/simple",
        "https://main.example/simple",
      ],
    },
    {
      name: "reads the environment when no option is given (extra URLs space-separated)",
      args: {
        env: {
          PUFFIN_INDEX_URL: "https://env.example/simple",
          PUFFIN_EXTRA_INDEX_URL: " file:///opt/a/simple   file:///opt/b/simple ",
          PUFFIN_FIND_LINKS: "/opt/wheels https://links.example/",
        },
      },
      indexes: ["file:///opt/a/simple", "file:///opt/b/simple", "https://env.example/simple"],
      findLinks: [
        { kind: "path", path: "/opt/wheels" },
        { kind: "url", url: "https://links.example/", redacted: "https://links.example/" },
      ],
    },
    {
      name: "prefers options over the environment",
      args: {
        indexUrl: "https://flag.example/simple",
        env: { PUFFIN_INDEX_URL: "https://env.example/simple" },
      },
      indexes: ["https://flag.example/simple"],
    },
    {
      name: "drops every index with --no-index, keeping find-links",
      args: { noIndex: true, extraIndexUrls: ["https://x.example/"], findLinks: ["/w"], env: {} },
      indexes: [],
      findLinks: [{ kind: "path", path: "/w" }],
    },
    {
      name: "drops every index with PUFFIN_NO_INDEX",
      args: { env: { PUFFIN_NO_INDEX: "1" } },
      indexes: [],
    },
    {
      name: "turns paths into file:// URLs and skips repeats of the same index",
      args: {
        indexUrl: "simple",
        extraIndexUrls: ["https://u:p@a.example/simple/", "https://a.example/simple"],
        cwd: "/srv/index",
        env: {},
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
