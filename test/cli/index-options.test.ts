import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Command } from "commander";
import { addIndexOptions } from "../../src/cli/index-options.ts";
import { type IndexOptionValues, indexSettings } from "../../src/cli/settings.ts";
import { IndexLocations } from "../../src/distribution-types/index.ts";

/** The index settings of a command line, with the locations the session opens from them. */
function parse(args: string[], env: NodeJS.ProcessEnv = {}) {
  const command = addIndexOptions(new Command("test").exitOverride());
  command.parse(args, { from: "user" });
  const settings = indexSettings(command.opts<IndexOptionValues>(), env, 1000);
  const locations = IndexLocations.fromSettings({ ...settings, cwd: "/work" });
  return { ...settings, locations };
}

describe("addIndexOptions", () => {
  it("collects repeatable options in order, extra indexes first", () => {
    const settings = parse([
      "-i",
      "https://main.example/simple",
      "--extra-index-url",
      "https://a.example/simple",
      "--extra-index-url",
      "https://b.example/simple",
      "-f",
      "wheels",
      "--find-links",
      "https://links.example/",
    ]);
    assert.deepEqual(
      settings.locations.indexes().map((index) => index.url),
      ["https://a.example/simple", "https://b.example/simple", "https://main.example/simple"],
    );
    assert.deepEqual(
      settings.locations.findLinks.map((location) =>
        location.kind === "path" ? location.path : location.url,
      ),
      ["/work/wheels", "https://links.example/"],
    );
    assert.equal(settings.offline, false);
    assert.deepEqual(settings.refresh, { kind: "none" });
  });

  it("reads --no-index, --offline, --refresh and --refresh-package", () => {
    assert.deepEqual(parse(["--no-index"]).locations.indexes(), []);
    assert.equal(parse([]).locations.indexes().length, 1);
    assert.equal(parse(["--offline"]).offline, true);
    assert.equal(parse([], { PUFFIN_OFFLINE: "true" }).offline, true);
    assert.deepEqual(parse(["--refresh"]).refresh, { kind: "all", timestamp: 1000 });
    assert.deepEqual(parse(["--refresh-package", "Foo_Bar", "--refresh-package", "baz"]).refresh, {
      kind: "packages",
      packages: new Set(["foo-bar", "baz"]),
      timestamp: 1000,
    });
  });

  it("reads the environment for each option not given (lists space-separated)", () => {
    const settings = parse([], {
      PUFFIN_INDEX_URL: "https://env.example/simple",
      PUFFIN_EXTRA_INDEX_URL: " file:///opt/a/simple   file:///opt/b/simple ",
      PUFFIN_FIND_LINKS: "/opt/wheels https://links.example/",
    });
    assert.deepEqual(
      settings.locations.indexes().map((index) => index.url),
      ["file:///opt/a/simple", "file:///opt/b/simple", "https://env.example/simple"],
    );
    assert.deepEqual(
      settings.locations.findLinks.map((location) =>
        location.kind === "path" ? location.path : location.url,
      ),
      ["/opt/wheels", "https://links.example/"],
    );
  });

  it("prefers a flag over its variable", () => {
    const settings = parse(["-i", "https://flag.example/simple", "-f", "/flag"], {
      PUFFIN_INDEX_URL: "https://env.example/simple",
      PUFFIN_EXTRA_INDEX_URL: "https://extra.example/simple",
      PUFFIN_FIND_LINKS: "/env",
    });
    assert.deepEqual(
      settings.locations.indexes().map((index) => index.url),
      ["https://extra.example/simple", "https://flag.example/simple"],
    );
    assert.deepEqual(
      settings.locations.findLinks.map((location) => location.kind === "path" && location.path),
      ["/flag"],
    );
  });

  it("drops every index with PUFFIN_NO_INDEX (1, true, yes, on)", () => {
    for (const value of ["1", "true", "YES", "on"]) {
      assert.deepEqual(parse([], { PUFFIN_NO_INDEX: value }).locations.indexes(), [], value);
    }
    assert.equal(parse([], { PUFFIN_NO_INDEX: "" }).locations.indexes().length, 1);
  });

  it("falls back to the environment", () => {
    const settings = parse([], {
      PUFFIN_INDEX_URL: "file:///opt/pypi/simple",
      PUFFIN_NO_INDEX: "0",
    });
    assert.deepEqual(
      settings.locations.indexes().map((index) => index.url),
      ["file:///opt/pypi/simple"],
    );
  });
});
