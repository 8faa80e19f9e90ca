import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseCoreMetadata } from "../../src/pypi-types/index.ts";
import { BufferZipSource, readWheelMetadataSync, ZipArchive } from "../../src/zip/index.ts";
import { buildWheel, writeWheel } from "./wheel-builder.ts";

const python = spawnSync("python3", ["-c", "import zipfile"]).status === 0;
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

const SPEC = {
  name: "Demo.Pkg",
  version: "1.0.0rc1",
  tags: "py2.py3-none-any",
  requiresDist: ["requests>=2", 'rich; extra == "cli"'],
  requiresPython: ">=3.8",
  providesExtra: ["cli"],
  files: { "demo_pkg/__init__.py": "X = 1\n", "demo_pkg/odd,name.txt": "comma" },
  entryPoints: { console_scripts: { demo: "demo_pkg:main" } },
  data: { scripts: { "demo-run": "#!python\n" }, data: { "share/demo.txt": "shared" } },
};

describe("buildWheel", () => {
  const wheel = buildWheel(SPEC);
  const archive = ZipArchive.openSync(new BufferZipSource(wheel.bytes, wheel.filename));
  const read = (name: string) => text(archive.readSync(archive.findEntry(name)!));

  it("names the file and .dist-info after the normalized name and version", () => {
    assert.equal(wheel.filename, "demo_pkg-1.0.0rc1-py2.py3-none-any.whl");
    assert.equal(wheel.distInfo, "demo_pkg-1.0.0rc1.dist-info");
    assert.equal(wheel.sha256, createHash("sha256").update(wheel.bytes).digest("hex"));
    assert.equal(
      buildWheel({ name: "a", version: "1", build: "2" }).filename,
      "a-1-2-py3-none-any.whl",
    );
  });

  it("writes METADATA 2.4 that src/zip finds and parseCoreMetadata reads", () => {
    const { distInfo, metadata } = readWheelMetadataSync(new BufferZipSource(wheel.bytes));
    assert.equal(distInfo, wheel.distInfo);
    const parsed = parseCoreMetadata(metadata);
    assert.equal(parsed.metadataVersion, "2.4");
    assert.equal(parsed.name, "demo-pkg");
    assert.equal(parsed.version.toString(), "1.0.0rc1");
    assert.deepEqual(parsed.requiresDist.map(String), ["requests>=2", 'rich; extra == "cli"']);
    assert.equal(String(parsed.requiresPython), ">=3.8");
    assert.deepEqual(parsed.providesExtra, ["cli"]);
    assert.deepEqual(parsed.warnings, []);
  });

  it("writes WHEEL with every expanded tag, entry points, and .data files", () => {
    assert.equal(
      read(`${wheel.distInfo}/WHEEL`),
      "Wheel-Version: 1.0\nGenerator: puffin-test-kit (0.1.0)\nRoot-Is-Purelib: true\nTag: py2-none-any\nTag: py3-none-any\n",
    );
    assert.equal(
      read(`${wheel.distInfo}/entry_points.txt`),
      "[console_scripts]\ndemo = demo_pkg:main\n",
    );
    assert.equal(read("demo_pkg-1.0.0rc1.data/data/share/demo.txt"), "shared");
    assert.equal(archive.findEntry("demo_pkg-1.0.0rc1.data/scripts/demo-run")!.unixMode, 0o100755);
  });

  it("writes a RECORD whose hashes and sizes match every file, itself unhashed and last", () => {
    const record = read(`${wheel.distInfo}/RECORD`);
    const rows = record.trimEnd().split("\n");
    assert.equal(rows.at(-1), `${wheel.distInfo}/RECORD,,`);
    assert.ok(
      rows.includes(
        '"demo_pkg/odd,name.txt",sha256=' +
          createHash("sha256").update("comma").digest("base64url") +
          ",5",
      ),
    );
    const listed = new Set<string>();
    for (const row of rows.slice(0, -1)) {
      const match = row.match(/^(?:"((?:[^"]|"")*)"|([^,]*)),sha256=([A-Za-z0-9_-]+),(\d+)$/);
      assert.ok(match, row);
      const path = match[1]?.replaceAll('""', '"') ?? match[2]!;
      const content = archive.readSync(archive.findEntry(path)!);
      assert.equal(match[3], createHash("sha256").update(content).digest("base64url"), path);
      assert.equal(Number(match[4]), content.length, path);
      listed.add(path);
    }
    assert.deepEqual(
      [...listed, `${wheel.distInfo}/RECORD`].sort(),
      archive.entries.map((e) => e.name).sort(),
    );
  });

  it("is accepted by Python's zipfile and pip's wheel checks", {
    skip: !python && "python3 not found",
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), "puffin-wheel-"));
    try {
      const { path } = writeWheel(dir, SPEC);
      const zipTest = spawnSync("python3", ["-m", "zipfile", "-t", path], { encoding: "utf8" });
      assert.equal(zipTest.status, 0, zipTest.stderr);
      const pipCheck = spawnSync(
        "python3",
        [
          "-c",
          "import sys, zipfile\nfrom pip._internal.utils.wheel import parse_wheel\n" +
            "d, m = parse_wheel(zipfile.ZipFile(sys.argv[1]), 'demo-pkg')\nprint(d, m['Wheel-Version'])",
          path,
        ],
        { encoding: "utf8" },
      );
      if (pipCheck.stderr.includes("No module named 'pip'")) return;
      assert.equal(pipCheck.status, 0, pipCheck.stderr);
      assert.match(pipCheck.stdout, /^demo_pkg-1\.0\.0rc1\.dist-info 1\.0$/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
