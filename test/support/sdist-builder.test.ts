import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { parseCoreMetadata } from "../../src/pypi-types/index.ts";
import { buildSdist, writeSdist } from "./sdist-builder.ts";
import { writeTar } from "./tar-writer.ts";

const python = spawnSync("python3", ["-c", "import tarfile"]).status === 0;

/** Member names and contents of a ustar archive (regular files and directories only). */
function members(tar: Uint8Array): Map<string, string> {
  const bytes = Buffer.from(tar);
  const found = new Map<string, string>();
  for (let at = 0; at + 512 <= bytes.length; ) {
    const header = bytes.subarray(at, at + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number) =>
      header.toString("utf8", start, start + length).replace(/\0.*$/s, "");
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
    assert.equal(Number.parseInt(field(148, 8), 8), sum, "header checksum");
    assert.equal(field(257, 6), "ustar");
    const size = Number.parseInt(field(124, 12), 8);
    const prefix = field(345, 155);
    const name = (prefix === "" ? "" : prefix + "/") + field(0, 100);
    found.set(name, bytes.toString("utf8", at + 512, at + 512 + size));
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return found;
}

describe("buildSdist", () => {
  const sdist = buildSdist({
    name: "Demo.Pkg",
    version: "2.0",
    dependencies: ['tomli; python_version < "3.11"'],
    optionalDependencies: { cli: ["rich", 'click; os_name == "nt"'] },
    requiresPython: ">=3.9",
  });

  it("is {name}-{version}.tar.gz with one top directory, PKG-INFO and pyproject.toml", () => {
    assert.equal(sdist.filename, "demo_pkg-2.0.tar.gz");
    const files = members(gunzipSync(sdist.bytes));
    assert.deepEqual(
      [...files.keys()],
      [
        "demo_pkg-2.0/",
        "demo_pkg-2.0/PKG-INFO",
        "demo_pkg-2.0/pyproject.toml",
        "demo_pkg-2.0/demo_pkg/__init__.py",
      ],
    );
    assert.equal(files.get("demo_pkg-2.0/PKG-INFO"), sdist.pkgInfo);
    assert.match(
      files.get("demo_pkg-2.0/pyproject.toml")!,
      /build-backend = "setuptools\.build_meta"/,
    );
    assert.match(
      files.get("demo_pkg-2.0/pyproject.toml")!,
      /\[project\.optional-dependencies\]\ncli = \["rich", "click; os_name == \\"nt\\""\]/,
    );
  });

  it("writes PKG-INFO with the dependencies, extras as markers", () => {
    const metadata = parseCoreMetadata(sdist.pkgInfo);
    assert.equal(metadata.name, "demo-pkg");
    assert.deepEqual(metadata.providesExtra, ["cli"]);
    assert.deepEqual(metadata.requiresDist.map(String), [
      'tomli; python_version < "3.11"',
      'rich; extra == "cli"',
      'click; os_name == "nt" and extra == "cli"',
    ]);
    assert.equal(String(metadata.requiresPython), ">=3.9");
  });

  it("splits long names into the ustar prefix", () => {
    const long = `${"d".repeat(120)}/${"f".repeat(90)}`;
    assert.deepEqual([...members(writeTar([{ name: long, data: "x" }]))], [[long, "x"]]);
    assert.throws(() => writeTar([{ name: "n".repeat(101) }]), /too long/);
  });

  it("is read by Python's tarfile", { skip: !python && "python3 not found" }, () => {
    const dir = mkdtempSync(join(tmpdir(), "puffin-sdist-"));
    try {
      const { path } = writeSdist(dir, { name: "x", version: "1" });
      const result = spawnSync(
        "python3",
        [
          "-c",
          "import sys, tarfile\nt = tarfile.open(sys.argv[1])\nprint(t.getnames())\nprint(t.extractfile('x-1/PKG-INFO').read().decode())",
          path,
        ],
        { encoding: "utf8" },
      );
      assert.equal(result.status, 0, result.stderr);
      assert.match(
        result.stdout,
        /\['x-1', 'x-1\/PKG-INFO', 'x-1\/pyproject\.toml', 'x-1\/x\/__init__\.py'\]/,
      );
      assert.match(result.stdout, /Name: x\nVersion: 1\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
