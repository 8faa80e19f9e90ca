// Every wheel of the offline index (DESIGN.md §7) read through the `file://` index pages with
// the registry client: no errors, cold and then warm. Skips where the index is absent.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { errorChain } from "../../src/support/index.ts";
import {
  OFFLINE_INDEXES,
  presentOfflineIndexes,
  readOfflineIndexes,
} from "../support/offline-index.ts";
import { testDirectory } from "../support/temp-dir.ts";

const present = presentOfflineIndexes();
const skip = present.length === 0 ? `no offline index in ${OFFLINE_INDEXES.join(", ")}` : false;

describe("RegistryClient on the offline index", () => {
  it("reads METADATA of every wheel through the file:// index, cold then warm", {
    skip,
  }, async () => {
    const cacheDir = join(testDirectory("registry-offline"), "cache");
    for (const pass of ["cold", "warm"]) {
      const reads = await readOfflineIndexes(cacheDir);
      const failures = reads
        .filter((read) => read.error !== undefined)
        .map((read) => `${read.filename}: ${errorChain(read.error).join(": ")}`);
      assert.deepEqual(failures, [], pass);
      assert.ok(reads.length > 500, `${pass}: only ${reads.length} wheels`);
    }
  });
});
