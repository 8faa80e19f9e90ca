import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { loadNetrc, type NetrcEntry, netrcPath, parseNetrc } from "../../src/client/netrc.ts";

const entry = (login?: string, password?: string, account?: string): NetrcEntry => ({
  login,
  password,
  account,
});

describe("netrc", () => {
  const cases: [string, string, string, NetrcEntry | undefined][] = [
    [
      "one line",
      "machine example.com login alice password s3cret",
      "example.com",
      entry("alice", "s3cret"),
    ],
    [
      "one field per line, with account",
      "machine example.com\n  login alice\n  password s3cret\n  account acct\n",
      "example.com",
      entry("alice", "s3cret", "acct"),
    ],
    [
      "host lookup ignores case",
      "machine Example.COM login a password b",
      "example.com",
      entry("a", "b"),
    ],
    ["unknown host, no default", "machine example.com login a password b", "other.org", undefined],
    [
      "default for unknown hosts",
      "machine example.com login a password b\ndefault login anon password guest",
      "other.org",
      entry("anon", "guest"),
    ],
    [
      "a machine wins over default, even after it",
      "default login anon password guest\nmachine example.com login a password b",
      "example.com",
      entry("a", "b"),
    ],
    [
      "the first entry of a machine wins",
      "machine h login first password 1\nmachine h login second password 2",
      "h",
      entry("first", "1"),
    ],
    [
      "comments in keyword position",
      "# my credentials\nmachine h # the index\n login a password b # trailing\n",
      "h",
      entry("a", "b"),
    ],
    ["a value may start with #", "machine h login a password #hash#", "h", entry("a", "#hash#")],
    [
      "quoted values with spaces and escapes",
      'machine h login "a b" password "p\\"w d"',
      "h",
      entry("a b", 'p"w d'),
    ],
    [
      "macdef bodies are skipped to the empty line",
      "macdef init\nmachine evil login x password y\ncd /\n\nmachine h login a password b",
      "h",
      entry("a", "b"),
    ],
    [
      "macdef body does not define machines",
      "macdef init\nmachine evil login x password y\n\n",
      "evil",
      undefined,
    ],
    ["login without password", "machine h login token", "h", entry("token")],
    [
      "unknown tokens are skipped alone",
      "machine h port 21 login a password b\nmachine g login c password d",
      "g",
      entry("c", "d"),
    ],
    ["CRLF line ends and tabs", "machine h\r\n\tlogin a\r\n\tpassword b\r\n", "h", entry("a", "b")],
    ["empty file", "", "h", undefined],
  ];
  for (const [name, text, host, expected] of cases) {
    test(name, () => assert.deepEqual(parseNetrc(text).lookup(host), expected));
  }

  test("NETRC names the file, else ~/.netrc", () => {
    assert.equal(netrcPath({ NETRC: "/etc/my-netrc", HOME: "/home/u" }), "/etc/my-netrc");
    assert.equal(netrcPath({ HOME: "/home/u" }), "/home/u/.netrc");
  });

  test("loadNetrc reads a file, and a missing one is no netrc", async () => {
    const dir = await mkdtemp(join(tmpdir(), "puffin-netrc-"));
    try {
      const path = join(dir, "netrc");
      await writeFile(path, "machine h login a password b\n");
      assert.deepEqual((await loadNetrc(path))?.lookup("h"), entry("a", "b"));
      assert.equal(await loadNetrc(join(dir, "missing")), undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
