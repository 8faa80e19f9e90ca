import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseIndexSource, parseIndexStrategy } from "../../src/distribution-types/index.ts";

describe("parseIndexSource (uv's `--index [NAME=]URL`)", () => {
  it("takes text before the first `=` as the name when it holds no `:`", () => {
    assert.deepEqual(parseIndexSource("torch.cu-121_x=https://h.example/simple"), {
      name: "torch.cu-121_x",
      url: "https://h.example/simple",
    });
    assert.deepEqual(parseIndexSource("https://h.example/simple?a=b"), {
      name: undefined,
      url: "https://h.example/simple?a=b",
    });
    assert.deepEqual(parseIndexSource("./local/index"), { name: undefined, url: "./local/index" });
  });

  for (const bad of ["=https://h.example/", "a b=https://h.example/", "naïve=/x", "a/b=/x", "x="]) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(() => parseIndexSource(bad), { code: /^invalid-index-(name|url)$/ });
    });
  }
});

describe("parseIndexStrategy", () => {
  it("reads the three strategies and refuses anything else, naming the source", () => {
    assert.equal(parseIndexStrategy(" unsafe-best-match ", "X"), "unsafe-best-match");
    assert.throws(() => parseIndexStrategy("best", "PUFFIN_INDEX_STRATEGY"), {
      code: "invalid-index-strategy",
      message:
        "Invalid PUFFIN_INDEX_STRATEGY `best`: expected one of first-index, unsafe-first-match, unsafe-best-match",
    });
  });
});
