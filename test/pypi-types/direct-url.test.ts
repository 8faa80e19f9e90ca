import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { redactDirectUrl } from "../../src/pypi-types/direct-url.ts";
import { type DirectUrl, parseDirectUrl, serializeDirectUrl } from "../../src/pypi-types/index.ts";
import { PuffinError } from "../../src/support/index.ts";

describe("parseDirectUrl", () => {
  // Examples from the PEP 610 specification (Direct URL Data Structure, "Examples").
  const valid: { name: string; json: string; expected: DirectUrl }[] = [
    {
      name: "an archive with hashes",
      json: '{"url": "https://github.com/pypa/pip/archive/1.3.1.zip", "archive_info": {"hashes": {"sha256": "2dc6b5a470a1bde68946f263f1af1515a2574a150a30d6ce02c6ff742fcc0db8"}}}',
      expected: {
        kind: "archive",
        url: "https://github.com/pypa/pip/archive/1.3.1.zip",
        subdirectory: undefined,
        hashes: { sha256: "2dc6b5a470a1bde68946f263f1af1515a2574a150a30d6ce02c6ff742fcc0db8" },
      },
    },
    {
      name: "an archive with only the legacy hash key",
      json: '{"url": "https://example.com/a-1.0.tar.gz", "archive_info": {"hash": "sha256=abcdef"}}',
      expected: {
        kind: "archive",
        url: "https://example.com/a-1.0.tar.gz",
        subdirectory: undefined,
        hashes: { sha256: "abcdef" },
      },
    },
    {
      name: "hashes wins over the legacy hash for the same algorithm; others are merged",
      json: '{"url": "https://e.com/a.whl", "archive_info": {"hash": "md5=11", "hashes": {"md5": "22", "sha256": "33"}}}',
      expected: {
        kind: "archive",
        url: "https://e.com/a.whl",
        subdirectory: undefined,
        hashes: { md5: "22", sha256: "33" },
      },
    },
    {
      name: "an archive without any hash",
      json: '{"url": "file:///tmp/a-1.0.tar.gz", "archive_info": {}}',
      expected: {
        kind: "archive",
        url: "file:///tmp/a-1.0.tar.gz",
        subdirectory: undefined,
        hashes: {},
      },
    },
    {
      name: "a git checkout with a requested revision",
      json: '{"url": "https://github.com/pypa/pip.git", "vcs_info": {"vcs": "git", "requested_revision": "1.3.1", "commit_id": "7921be1537eac1e97bc40179a57f0349c2aee67d"}}',
      expected: {
        kind: "vcs",
        url: "https://github.com/pypa/pip.git",
        subdirectory: undefined,
        vcs: "git",
        commitId: "7921be1537eac1e97bc40179a57f0349c2aee67d",
        requestedRevision: "1.3.1",
      },
    },
    {
      name: "a git checkout of a subdirectory",
      json: '{"url": "ssh://git@github.com/a/b.git", "subdirectory": "pkg/sub", "vcs_info": {"vcs": "git", "commit_id": "abc"}}',
      expected: {
        kind: "vcs",
        url: "ssh://git@github.com/a/b.git",
        subdirectory: "pkg/sub",
        vcs: "git",
        commitId: "abc",
        requestedRevision: undefined,
      },
    },
    {
      name: "an editable local directory",
      json: '{"url": "file:///home/user/project", "dir_info": {"editable": true}}',
      expected: {
        kind: "dir",
        url: "file:///home/user/project",
        subdirectory: undefined,
        editable: true,
      },
    },
    {
      name: "a local directory, editable defaulting to false",
      json: '{"url": "file:///home/user/project", "dir_info": {}}',
      expected: {
        kind: "dir",
        url: "file:///home/user/project",
        subdirectory: undefined,
        editable: false,
      },
    },
  ];
  for (const { name, json, expected } of valid) {
    test(name, () => assert.deepEqual(parseDirectUrl(json), expected));
  }

  const invalid: [string, string, RegExp][] = [
    ["not JSON", "{url:", /not valid JSON/],
    ["not an object", "[]", /the top level must be a JSON object/],
    ["no url", '{"archive_info": {}}', /`url` is missing/],
    ["a url that is not a string", '{"url": 3, "archive_info": {}}', /`url` must be a string/],
    ["a url that is not a URL", '{"url": "not a url", "archive_info": {}}', /not a valid URL/],
    ["no info", '{"url": "https://e.com/a.whl"}', /needs one of `archive_info`/],
    [
      "two infos",
      '{"url": "file:///a", "archive_info": {}, "dir_info": {}}',
      /more than one of `archive_info`, `dir_info`/,
    ],
    [
      "an info that is not an object",
      '{"url": "file:///a", "dir_info": true}',
      /`dir_info` must be/,
    ],
    [
      "a vcs without a commit",
      '{"url": "https://e.com/r.git", "vcs_info": {"vcs": "git"}}',
      /`vcs_info.commit_id` is missing/,
    ],
    [
      "a vcs without its name",
      '{"url": "https://e.com/r.git", "vcs_info": {"commit_id": "a"}}',
      /`vcs_info.vcs` is missing/,
    ],
    [
      "a malformed legacy hash",
      '{"url": "file:///a.whl", "archive_info": {"hash": "sha256:ab"}}',
      /`archive_info.hash` must look like/,
    ],
    [
      "a hash that is not a string",
      '{"url": "file:///a.whl", "archive_info": {"hashes": {"sha256": 1}}}',
      /`archive_info.hashes.sha256` must be a string/,
    ],
    [
      "editable not a boolean",
      '{"url": "file:///a", "dir_info": {"editable": "yes"}}',
      /`dir_info.editable` must be a boolean/,
    ],
    [
      "a directory that is not a file URL",
      '{"url": "https://e.com/a", "dir_info": {}}',
      /must be a file:\/\/ URL/,
    ],
    [
      "a subdirectory that is not a string",
      '{"url": "file:///a", "dir_info": {}, "subdirectory": 1}',
      /`subdirectory` must be a string/,
    ],
  ];
  for (const [name, json, message] of invalid) {
    test(`rejects ${name}`, () => {
      assert.throws(
        () => parseDirectUrl(json),
        (error: unknown) =>
          error instanceof PuffinError &&
          error.code === "invalid-direct-url" &&
          message.test(error.message),
      );
    });
  }
});

describe("serializeDirectUrl", () => {
  test("writes sorted keys, omits absent optional keys, and round-trips", () => {
    const cases: [DirectUrl, string][] = [
      [
        { kind: "archive", url: "https://e.com/a.whl", hashes: { sha256: "b", md5: "a" } },
        '{"archive_info":{"hashes":{"md5":"a","sha256":"b"}},"url":"https://e.com/a.whl"}',
      ],
      [
        {
          kind: "vcs",
          url: "https://e.com/r.git",
          subdirectory: "sub",
          vcs: "git",
          commitId: "c",
          requestedRevision: "main",
        },
        '{"subdirectory":"sub","url":"https://e.com/r.git","vcs_info":{"commit_id":"c","requested_revision":"main","vcs":"git"}}',
      ],
      [
        { kind: "vcs", url: "https://e.com/r", vcs: "hg", commitId: "c" },
        '{"url":"https://e.com/r","vcs_info":{"commit_id":"c","vcs":"hg"}}',
      ],
      [
        { kind: "dir", url: "file:///p", editable: true },
        '{"dir_info":{"editable":true},"url":"file:///p"}',
      ],
      [{ kind: "dir", url: "file:///p", editable: false }, '{"dir_info":{},"url":"file:///p"}'],
    ];
    for (const [directUrl, json] of cases) {
      assert.equal(serializeDirectUrl(directUrl), json);
      assert.equal(serializeDirectUrl(parseDirectUrl(json)), json);
    }
  });

  test("removes credentials except environment variables and git's well-known user", () => {
    // `\u0024{USER}` is the literal text `${USER}` (spelled so it does not read as a template).
    const vcs = (url: string, name = "git"): DirectUrl => ({
      kind: "vcs",
      url,
      vcs: name,
      commitId: "c",
    });
    const archive = (url: string): DirectUrl => ({ kind: "archive", url, hashes: {} });
    const cases: [DirectUrl, string][] = [
      [archive("https://user:secret@e.com/a.whl"), "https://e.com/a.whl"],
      [archive("https://token@e.com/a.whl"), "https://e.com/a.whl"],
      [
        archive("https://\u0024{USER}:\u0024{PASSWORD}@e.com/a.whl"),
        "https://\u0024{USER}:\u0024{PASSWORD}@e.com/a.whl",
      ],
      [archive("https://\u0024{TOKEN}@e.com/a.whl"), "https://\u0024{TOKEN}@e.com/a.whl"],
      [archive("https://\u0024{USER}:literal@e.com/a.whl"), "https://e.com/a.whl"],
      [vcs("ssh://git@github.com/a/b.git"), "ssh://git@github.com/a/b.git"],
      [vcs("ssh://git@example.com/a/b", "hg"), "ssh://example.com/a/b"],
      [vcs("https://git:pw@github.com/a/b.git"), "https://github.com/a/b.git"],
      [archive("https://e.com/a.whl?x=1@2"), "https://e.com/a.whl?x=1@2"],
      [archive("https://e.com/p/a@b.whl"), "https://e.com/p/a@b.whl"],
    ];
    for (const [directUrl, redacted] of cases) {
      assert.equal(redactDirectUrl(directUrl), redacted, directUrl.url);
      assert.equal(JSON.parse(serializeDirectUrl(directUrl)).url, redacted);
    }
  });
});
