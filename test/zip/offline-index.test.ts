// Every wheel of the offline index (see DESIGN.md §7): METADATA reads without error, and for a
// sample it is byte-identical to what Python's zipfile reads. Skips where the index is absent.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { FileZipSource, readWheelMetadataSync } from "../../src/zip/index.ts";

const ROOTS = ["/opt/pypi/files", "/opt/pypi-more/files", "/opt/wheels"];

function offlineWheels(): string[] {
  return ROOTS.filter((root) => existsSync(root)).flatMap((root) =>
    readdirSync(root, { recursive: true })
      .map(String)
      .filter((file) => file.endsWith(".whl"))
      .map((file) => join(root, file))
      .sort(),
  );
}

const wheels = offlineWheels();
const python = spawnSync("python3", ["-c", "import zipfile"]).status === 0;

describe("zip on the offline index", () => {
  const skip = wheels.length === 0 ? `no offline index in ${ROOTS.join(", ")}` : false;
  const read = new Map<string, string>();

  it(`reads METADATA of every wheel (${wheels.length})`, { skip }, () => {
    for (const wheel of wheels) {
      using source = FileZipSource.open(wheel);
      const { metadata } = readWheelMetadataSync(source);
      read.set(wheel, createHash("sha256").update(metadata).digest("hex"));
    }
    assert.equal(read.size, wheels.length);
  });

  it("agrees with Python's zipfile on a sample", {
    skip: skip || (!python && "python3 not found"),
  }, () => {
    const sample = wheels.filter((_, i) => i % 10 === 0);
    const script = `
import hashlib, sys, zipfile
for path in sys.stdin.read().split("\\n"):
    with zipfile.ZipFile(path) as z:
        [name] = [n for n in z.namelist() if n.count("/") == 1 and n.split("/")[0].endswith(".dist-info") and n.endswith("/METADATA")]
        print(hashlib.sha256(z.read(name)).hexdigest())
`;
    const result = spawnSync("python3", ["-c", script], {
      input: sample.join("\n"),
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stderr);
    const expected = result.stdout.trim().split("\n");
    assert.deepEqual(
      sample.map((wheel) => read.get(wheel)),
      expected,
    );
  });
});
