import assert from "node:assert/strict";
import { mkdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import CachePolicy from "http-cache-semantics";
import {
  type EntrySchema,
  fileStamp,
  isFileStamp,
  isStampCurrent,
  readHttpEntry,
  readJsonEntry,
  writeHttpEntry,
  writeJsonEntry,
} from "../../src/cache/index.ts";
import { setLogSink } from "../../src/support/index.ts";
import { testDirectory } from "../support/temp-dir.ts";

const dir = testDirectory("entries");

interface Page {
  files: string[];
}
const PAGE: EntrySchema<Page> = {
  version: 3,
  validate: (value): value is Page =>
    typeof value === "object" &&
    value !== null &&
    Array.isArray((value as { files?: unknown }).files),
};

describe("JSON cache entries", () => {
  test("round-trip with the time they were written", async () => {
    const path = join(dir, "json", "requests.json");
    const before = Date.now();
    await writeJsonEntry(path, PAGE, { files: ["requests-2.32.3-py3-none-any.whl"] });
    const entry = await readJsonEntry(path, PAGE);
    assert.deepEqual(entry?.value, { files: ["requests-2.32.3-py3-none-any.whl"] });
    assert.ok(entry !== undefined && entry.writtenAt >= before && entry.writtenAt <= Date.now());
  });

  const bad: [string, string][] = [
    ["an empty file", ""],
    ["a truncated file", '{"version":3,"writtenAt":1,"value":{"files":["a'],
    ["garbage", "\u0000\u0001binary"],
    ["JSON that is not an object", "[1,2]"],
    ["another version", '{"version":2,"writtenAt":1,"value":{"files":[]}}'],
    ["a value of the wrong shape", '{"version":3,"writtenAt":1,"value":{"files":"a"}}'],
    ["no timestamp", '{"version":3,"value":{"files":[]}}'],
  ];
  for (const [name, content] of bad) {
    test(`${name} reads as missing (logged at debug), and is rewritten`, async () => {
      const path = join(dir, "bad", `${name}.json`);
      await mkdir(join(dir, "bad"), { recursive: true });
      await writeFile(path, content);
      const messages: string[] = [];
      setLogSink((_level, message) => messages.push(message), { debug: true, trace: false });
      try {
        assert.equal(await readJsonEntry(path, PAGE), undefined);
      } finally {
        setLogSink(undefined, { debug: false, trace: false });
      }
      assert.equal(messages.length, 1);
      assert.ok(messages[0]!.includes(path));
      await writeJsonEntry(path, PAGE, { files: [] });
      assert.deepEqual((await readJsonEntry(path, PAGE))?.value, { files: [] });
    });
  }

  test("a missing entry is missing, silently", async () => {
    assert.equal(await readJsonEntry(join(dir, "none", "x.json"), PAGE), undefined);
  });
});

describe("HTTP cache entries", () => {
  const request = { url: "/simple/requests/", method: "GET", headers: { accept: "text/html" } };
  const response = (headers: Record<string, string>) => ({ status: 200, headers });

  test("store the payload with a policy that still decides freshness after the round-trip", async () => {
    const path = join(dir, "http", "fresh.json");
    const policy = new CachePolicy(
      request,
      response({ "cache-control": "max-age=600", etag: '"v1"' }),
      { shared: false },
    );
    await writeHttpEntry(path, PAGE, policy, { files: ["a.whl"] });
    const stored = JSON.parse(await readFile(path, "utf8")) as {
      value: { policy: unknown; payload: unknown };
    };
    assert.deepEqual(stored.value.payload, { files: ["a.whl"] });
    assert.deepEqual(stored.value.policy, JSON.parse(JSON.stringify(policy.toObject())));
    const entry = await readHttpEntry(path, PAGE);
    assert.deepEqual(entry?.payload, { files: ["a.whl"] });
    assert.equal(entry?.policy.satisfiesWithoutRevalidation(request), true);
  });

  test("a stale policy asks for a conditional request", async () => {
    const path = join(dir, "http", "stale.json");
    const policy = new CachePolicy(
      request,
      response({ "cache-control": "no-cache", etag: '"v2"' }),
      { shared: false },
    );
    await writeHttpEntry(path, PAGE, policy, { files: [] });
    const entry = await readHttpEntry(path, PAGE);
    assert.equal(entry?.policy.satisfiesWithoutRevalidation(request), false);
    assert.equal(entry?.policy.revalidationHeaders(request)["if-none-match"], '"v2"');
  });

  test("a policy that cannot be restored makes the entry missing", async () => {
    const path = join(dir, "http", "bad-policy.json");
    await writeFile(
      path,
      JSON.stringify({
        version: 3,
        writtenAt: 1,
        value: { policy: { v: 99 }, payload: { files: [] } },
      }),
    );
    assert.equal(await readHttpEntry(path, PAGE), undefined);
    await writeFile(path, '{"version":3,"writtenAt":1,"value":{"policy":{"v":1,');
    assert.equal(await readHttpEntry(path, PAGE), undefined);
  });
});

describe("file stamps", () => {
  test("stay current until the file's mtime or size changes", async () => {
    const path = join(dir, "stamped.whl");
    await writeFile(path, "wheel");
    const stamp = await fileStamp(path);
    assert.ok(stamp !== undefined && isFileStamp(JSON.parse(JSON.stringify(stamp))));
    assert.equal(await isStampCurrent(stamp), true);
    const later = new Date(Date.now() + 5_000);
    await utimes(path, later, later);
    assert.equal(await isStampCurrent(stamp), false);
    const touched = (await fileStamp(path))!;
    await writeFile(path, "wheel, rebuilt");
    await utimes(path, new Date(touched.mtimeMs), new Date(touched.mtimeMs));
    assert.equal(await isStampCurrent(touched), false, "same mtime, other size");
    await rm(path);
    assert.equal(await isStampCurrent(touched), false);
    assert.equal(await fileStamp(path), undefined);
  });

  test("isFileStamp rejects other shapes", () => {
    for (const value of [null, 1, {}, { path: "a", mtimeMs: "1", size: 1 }])
      assert.equal(isFileStamp(value), false);
  });
});
