import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { decodeHtmlEntities } from "../../src/pypi-types/html-entities.ts";
import { type HtmlLinkPage, parseHtmlLinks } from "../../src/pypi-types/html-links.ts";
import corpus from "../corpora/pypi-simple/html_links.json" with { type: "json" };

interface ExpectedLink {
  attrs: Record<string, string>;
  text: string;
  url: string;
}

function plain(page: HtmlLinkPage) {
  return page.links.map((link) => ({
    attrs: Object.fromEntries(link.attributes),
    text: link.text,
    url: link.url,
  }));
}

describe("parseHtmlLinks: pypi-simple's link extraction cases", () => {
  for (const [index, c] of corpus.cases.entries()) {
    test(`cases[${index}]`, () => {
      const page = parseHtmlLinks(c.html, c.base_url ?? undefined);
      assert.deepEqual(plain(page), c.page.links as ExpectedLink[]);
      assert.equal(page.repositoryVersion, c.page.repository_version ?? undefined);
    });
  }
  for (const [index, c] of corpus.stream_cases.entries()) {
    test(`stream_cases[${index}]`, () => {
      assert.deepEqual(
        plain(parseHtmlLinks(c.html, c.base_url ?? undefined)),
        c.links as ExpectedLink[],
      );
    });
  }
});

describe("parseHtmlLinks: tokenizer", () => {
  const table: { name: string; html: string; links: ExpectedLink[] }[] = [
    {
      name: "single-quoted, unquoted and valueless attributes",
      html: `<a href='a.whl' data-yanked data-requires-python=&gt;=3.8>x</a>`,
      links: [
        {
          attrs: { href: "a.whl", "data-yanked": "", "data-requires-python": ">=3.8" },
          text: "x",
          url: "a.whl",
        },
      ],
    },
    {
      name: "`>` and quotes of the other kind inside a quoted value",
      html: `<a data-requires-python=">=3.8,<4" title='say "hi"' href="b.whl">b</a>`,
      links: [
        {
          attrs: { "data-requires-python": ">=3.8,<4", title: 'say "hi"', href: "b.whl" },
          text: "b",
          url: "b.whl",
        },
      ],
    },
    {
      name: "the first of duplicate attributes wins; spaces around `=`",
      html: `<a href = "first.whl" HREF="second.whl">t</a>`,
      links: [{ attrs: { href: "first.whl" }, text: "t", url: "first.whl" }],
    },
    {
      name: "script, style and title contents are not markup",
      html: `<title><a href="no1"></title><script>if (a<b) document.write('<a href="no2">')</script><style>a<b{}</style><a href="yes">y</a>`,
      links: [{ attrs: { href: "yes" }, text: "y", url: "yes" }],
    },
    {
      name: "an <a> without </a> ends at the next <a>; tags inside are dropped from the text",
      html: `<a href="1"><b>one</b> &amp; <i>only</i><a href="2">two`,
      links: [
        { attrs: { href: "1" }, text: "one & only", url: "1" },
        { attrs: { href: "2" }, text: "two", url: "2" },
      ],
    },
    {
      name: "comments, doctype, processing instructions and a stray `<`",
      html: `<!DOCTYPE html><?xml version="1.0"?><!-- <a href="no"> --><a href="x">a < b</a><abbr href="no">`,
      links: [{ attrs: { href: "x" }, text: "a < b", url: "x" }],
    },
    {
      name: "self-closing syntax and attributes without spaces between them",
      html: `<a href="x"data-yanked="r"/>text</a>`,
      links: [{ attrs: { href: "x", "data-yanked": "r" }, text: "text", url: "x" }],
    },
    {
      name: "an unterminated tag at the end of input",
      html: `<a href="x">ok</a><a href="y`,
      links: [
        { attrs: { href: "x" }, text: "ok", url: "x" },
        { attrs: { href: "y" }, text: "", url: "y" },
      ],
    },
  ];
  for (const c of table) {
    test(c.name, () => assert.deepEqual(plain(parseHtmlLinks(c.html)), c.links));
  }

  test("<base> is the first one with href, wherever it is, resolved against the page URL", () => {
    const page = parseHtmlLinks(
      `<a href="f.whl">f</a><base target="_x"><base href="../files/"><base href="https://other/">`,
      "https://example.com/simple/p/",
    );
    assert.equal(page.baseUrl, "https://example.com/simple/files/");
    assert.equal(page.links[0]!.url, "https://example.com/simple/files/f.whl");
  });

  test("links whose href cannot be a URL are dropped", () => {
    const page = parseHtmlLinks(
      `<a href="http://[bad/x.whl">x</a><a href="ok.whl">ok</a>`,
      "https://e.com/",
    );
    assert.deepEqual(
      page.links.map((link) => link.url),
      ["https://e.com/ok.whl"],
    );
  });

  test("file:// page URLs with spaces (pip's `in dex` case) resolve like any other", () => {
    const page = parseHtmlLinks(
      `<a href="../../../packages/simple-1.0.tar.gz">s</a>`,
      "file:///data/in%20dex/simple/",
    );
    assert.equal(page.links[0]!.url, "file:///packages/simple-1.0.tar.gz");
  });
});

describe("decodeHtmlEntities", () => {
  const table: [string, string][] = [
    ["&gt;=2.7, &lt;4", ">=2.7, <4"],
    ["&amp;&quot;&#39;&apos;", `&"''`],
    ["&#x3C;&#X3c;&#60;", "<<<"],
    ["p&yuml;42 &eacute;&Eacute; &euro;", "pÿ42 éÉ €"],
    ["&#128;&#x9f;", "€Ÿ"], // HTML5's windows-1252 remap
    ["&#0;&#xD800;&#x110000;", "\uFFFD\uFFFD\uFFFD"],
    ["&#x1F600;", "😀"],
    ["?a=1&copy=2&amp", "?a=1&copy=2&amp"], // only `;`-terminated references
    ["&unknown; & &;", "&unknown; & &;"],
  ];
  for (const [input, expected] of table) {
    test(JSON.stringify(input), () => assert.equal(decodeHtmlEntities(input), expected));
  }
});
