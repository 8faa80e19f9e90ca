import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  describeRequest,
  parsePythonRequest,
  versionMatches,
} from "../../src/interpreter/python-request.ts";

describe("--python requests", () => {
  const kinds: [string, string, string][] = [
    ["3.12", "version", "Python 3.12"],
    ["3", "version", "Python 3"],
    ["3.12.1", "version", "Python 3.12.1"],
    [">=3.10", "version", "Python >=3.10"],
    [">=3.9, <3.12", "version", "Python >=3.9, <3.12"],
    ["python3.12", "executable-name", "`python3.12`"],
    ["pypy3", "executable-name", "`pypy3`"],
    ["/usr/bin/python3", "path", "`/usr/bin/python3`"],
    ["./venv", "path", "`./venv`"],
    [".venv", "path", "`.venv`"],
    ["bin/python", "path", "`bin/python`"],
    ["~/py/bin/python", "path", "`/home/me/py/bin/python`"],
  ];
  for (const [text, kind, description] of kinds) {
    test(`\`${text}\` is a ${kind} request`, () => {
      const request = parsePythonRequest(text, "/home/me");
      assert.equal(request.kind, kind);
      assert.equal(describeRequest(request), description);
    });
  }

  const matches: [string, string, boolean][] = [
    ["3.12", "3.12.1", true],
    ["3.12", "3.13.0", false],
    ["3.12.1", "3.12.1", true],
    ["3.12.1", "3.12.2", false],
    ["3", "3.8.18", true],
    [">=3.10", "3.9.18", false],
    [">=3.10", "3.13.0", true],
    [">=3.9,<3.12", "3.12.1", false],
  ];
  for (const [text, version, expected] of matches) {
    test(`${text} ${expected ? "matches" : "does not match"} ${version}`, () => {
      const request = parsePythonRequest(text, undefined);
      assert.equal(request.kind, "version");
      if (request.kind === "version") assert.equal(versionMatches(request, version), expected);
    });
  }

  const invalid = ["", "  ", ">=three", "~/x"];
  for (const text of invalid) {
    test(`\`${text}\` is invalid-python-request (without HOME for ~)`, () => {
      assert.throws(() => parsePythonRequest(text, undefined), { code: "invalid-python-request" });
    });
  }
});
