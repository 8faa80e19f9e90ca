// The error-code contract of `src/support/error-codes.ts`, checked against the source text: every
// registered code is thrown somewhere (no dead codes), every code a constructor is given and every
// code a test expects is registered, codes are kebab-case and in order, and categories come from
// the fixed set. `tsc` already refuses an unregistered code at a `new PuffinError(…)`; this test
// also covers what it cannot see (codes compared or asserted as plain strings).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, test } from "node:test";
import { ERROR_CATEGORIES, ERROR_CODES } from "../../src/support/error-codes.ts";
import { type ErrorCode, errorCategory } from "../../src/support/index.ts";

const root = new URL("../../", import.meta.url).pathname;
const REGISTRY = "src/support/error-codes.ts";

/** The categories: a new one is a deliberate change of this list too. */
const CATEGORIES = [
  "usage",
  "input",
  "integrity",
  "broken-artifact",
  "network",
  "environment",
  "resolution",
  "build",
  "interpreter",
  "git",
];

const codes = Object.keys(ERROR_CODES) as ErrorCode[];
const registered = new Set<string>(codes);

function sources(dir: string): { path: string; text: string }[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => {
      const path = relative(root, join(entry.parentPath, entry.name));
      return { path, text: readFileSync(join(root, path), "utf8") };
    })
    .filter((file) => file.path !== REGISTRY);
}

const src = sources("src");
const tests = sources("test");

/** The error classes of `src`: `PuffinError` and every class extending one of them. */
function errorClasses(): Set<string> {
  const classes = new Set(["PuffinError"]);
  const extensions = src.flatMap((file) => [
    ...file.text.matchAll(/class\s+(\w+)\s+extends\s+(\w+)/g),
  ]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [, name, base] of extensions) {
      if (classes.has(base!) && !classes.has(name!)) {
        classes.add(name!);
        grew = true;
      }
    }
  }
  return classes;
}

describe("error codes", () => {
  test("categories are the fixed set, each described", () => {
    assert.deepEqual(Object.keys(ERROR_CATEGORIES), CATEGORIES);
    for (const [category, description] of Object.entries(ERROR_CATEGORIES)) {
      assert.ok(description.length > 0 && !description.includes("\n"), category);
    }
  });

  test("every code is kebab-case, has a category of the set and a one-line description", () => {
    for (const code of codes) {
      assert.match(code, /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, code);
      assert.ok(CATEGORIES.includes(errorCategory(code)), `${code}: ${errorCategory(code)}`);
      const { description } = ERROR_CODES[code];
      assert.ok(description.length > 0 && !description.includes("\n"), code);
    }
  });

  test("the registry is in alphabetical order", () => {
    assert.deepEqual(codes, [...codes].sort());
  });

  test("every registered code is used in src (no dead codes)", () => {
    const literals = new Set(
      src.flatMap((file) => [...file.text.matchAll(/"([a-z0-9-]+)"/g)].map((m) => m[1]!)),
    );
    const dead = codes.filter((code) => !literals.has(code));
    assert.deepEqual(dead, [], "registered codes that no file of src/ names");
  });

  test("every code literal given to an error class in src is registered", () => {
    const classes = [...errorClasses()];
    assert.ok(classes.includes("RequirementsFileError") && classes.includes("HttpError"));
    const alternatives = `new\\s+(?:${classes.join("|")})|\\blineError`;
    const call = new RegExp(`(?:${alternatives})\\(\\s*"([^"]*)"`, "g");
    // `super(…)` passes a code only in a constructor of an error class.
    const superCall = /\bsuper\(\s*"([^"]*)"/g;
    const extendsError = new RegExp(`extends\\s+(?:${classes.join("|")})\\b`);
    let seen = 0;
    for (const file of src) {
      const matches = [
        ...file.text.matchAll(call),
        ...(extendsError.test(file.text) ? file.text.matchAll(superCall) : []),
      ];
      for (const match of matches) {
        seen++;
        assert.ok(registered.has(match[1]!), `${file.path}: unregistered code "${match[1]}"`);
      }
    }
    assert.ok(seen > 100, `only ${seen} code literals found: is the pattern still right?`);
  });

  test("every code a test expects is registered", () => {
    // `code: CODE`, `.code, CODE` (assert.equal), `code === CODE`, `code !== CODE`, with CODE a
    // string literal; Node's errno codes (`ENOENT`) and other libraries' (`commander.…`) are not
    // Puffin's. Helpers that take a code type it `ErrorCode`, so tsc checks their callers.
    const expectation = /\bcode(?::|,|\s*[!=]==)\s*"([^"]+)"/g;
    let seen = 0;
    for (const file of tests) {
      for (const match of file.text.matchAll(expectation)) {
        const code = match[1]!;
        if (/^E[A-Z0-9]+$/.test(code) || code.includes(".")) continue;
        seen++;
        assert.ok(registered.has(code), `${file.path}: expects the unregistered code "${code}"`);
      }
    }
    assert.ok(seen > 50, `only ${seen} expectations found: is the pattern still right?`);
  });

  test("broken-artifact is what makes a wheel version unavailable, never a fault of the network or a hash check", () => {
    // The cases the resolver left out as broken before the registry had categories.
    const broken: ErrorCode[] = [
      "invalid-wheel-metadata",
      "wheel-metadata-mismatch",
      "wheel-metadata-missing",
      "wheel-dist-info-missing",
      "wheel-dist-info-ambiguous",
      "unsupported-metadata-version",
      "invalid-wheel-filename",
      ...codes.filter((code) => code.startsWith("zip-")),
    ];
    for (const code of broken) assert.equal(errorCategory(code), "broken-artifact", code);
    const aborting = codes.filter(
      (code) =>
        code.startsWith("http-") ||
        code.startsWith("hash-") ||
        code === "missing-hash" ||
        code === "offline-not-cached" ||
        code === "download-failed" ||
        code === "wheel-not-found",
    );
    for (const code of aborting) assert.notEqual(errorCategory(code), "broken-artifact", code);
  });
});
