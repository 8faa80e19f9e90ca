import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  credentialRedactions,
  redactCredentials,
  redactedOffset,
} from "../../src/support/index.ts";

describe("redactCredentials", () => {
  const cases: [string, string][] = [
    ["https://example.com/simple", "https://example.com/simple"],
    ["https://user:pass@example.com/simple", "https://user:****@example.com/simple"],
    ["https://token@example.com/simple", "https://****@example.com/simple"],
    ["git+ssh://git@github.com/org/repo.git", "git+ssh://git@github.com/org/repo.git"],
    ["https://u:p@host", "https://u:****@host"],
    ["https://u:p@a.com and http://v:q@b.com/x", "https://u:****@a.com and http://v:****@b.com/x"],
    [
      "pkg @ https://u:p@host/p.whl ; python_version > '3'",
      "pkg @ https://u:****@host/p.whl ; python_version > '3'",
    ],
    ["an email user@example.com is not a URL", "an email user@example.com is not a URL"],
    ["`https://u:p@host` quoted", "`https://u:****@host` quoted"],
  ];
  for (const [input, expected] of cases) {
    test(JSON.stringify(input), () => assert.equal(redactCredentials(input), expected));
  }
});

describe("redactedOffset", () => {
  test("maps offsets before, inside and after a masked range", () => {
    const text = "x https://u:secret@host y";
    const redactions = credentialRedactions(text);
    const redacted = redactCredentials(text);
    assert.equal(redactedOffset(redactions, 0), 0);
    assert.equal(redactedOffset(redactions, text.indexOf("secret") + 2), redacted.indexOf("****"));
    assert.equal(redacted[redactedOffset(redactions, text.indexOf("y"))], "y");
    assert.equal(redacted[redactedOffset(redactions, text.indexOf("@"))], "@");
  });
});
