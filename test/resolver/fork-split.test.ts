// Where a universal resolution's fork splits (`splitFork`): on the differing markers of
// requirements on one package, and on a requirement that raises the fork's lowest Python; the
// parts are disjoint, cover the fork, and come in the order they are solved in.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PackageName } from "../../src/normalize/index.ts";
import { Version, VersionRange } from "../../src/pep440/index.ts";
import { MarkerSet } from "../../src/pep508/index.ts";
import { splitFork } from "../../src/resolver/fork-split.ts";

const FROM_38 = MarkerSet.python(VersionRange.higherThan(Version.parse("3.8")));

function edge(name: string, marker: string) {
  return {
    to: { name: PackageName.parse(name) },
    marker: marker === "" ? MarkerSet.TRUE : MarkerSet.parse(marker),
  };
}

function assertPartition(fork: MarkerSet, parts: readonly MarkerSet[]): void {
  let union = MarkerSet.FALSE;
  parts.forEach((part, i) => {
    assert.ok(!part.isFalse(), `part ${i} is empty`);
    assert.ok(part.isSubsetOf(fork), `part ${part} lies outside the fork`);
    parts.slice(i + 1).forEach((other) => {
      assert.ok(part.isDisjoint(other), `${part} meets ${other}`);
    });
    union = union.or(part);
  });
  assert.ok(union.equals(fork), "the parts cover the fork");
}

function texts(parts: readonly MarkerSet[] | undefined, python = FROM_38): string[] | undefined {
  return parts?.map((p) => p.simplifyPython(python.pythonRange()).toString());
}

describe("splitFork", () => {
  test("no split with one marker per package", () => {
    const edges = [edge("a", "sys_platform == 'linux'"), edge("b", "sys_platform == 'darwin'")];
    assert.equal(splitFork(FROM_38, edges), undefined);
  });

  test("no split when the markers on one package are equal", () => {
    const edges = [
      edge("a", "sys_platform == 'linux'"),
      edge("a", "sys_platform == 'linux'"),
      edge("a", "'linux' == sys_platform"),
    ];
    assert.equal(splitFork(FROM_38, edges), undefined);
  });

  test("no split when a marker covers the fork or misses it", () => {
    const fork = MarkerSet.parse("sys_platform == 'linux' and python_version >= '3.8'");
    const edges = [
      edge("a", ""),
      edge("a", "os_name == 'nt' and sys_platform == 'win32'"),
      edge("a", "sys_platform != 'darwin'"),
      edge("b", "python_version < '3.8'"),
    ];
    assert.equal(splitFork(fork, edges), undefined);
    assert.equal(splitFork(MarkerSet.FALSE.not().and(FROM_38), [edge("a", "")]), undefined);
  });

  test("two disjoint markers on one package: their parts and the rest", () => {
    const edges = [edge("a", "sys_platform == 'linux'"), edge("a", "sys_platform == 'darwin'")];
    const parts = splitFork(FROM_38, edges);
    assert.ok(parts !== undefined);
    assertPartition(FROM_38, parts);
    // The later requirement's part first, the rest (neither marker) last.
    assert.deepEqual(texts(parts), [
      "sys_platform == 'darwin'",
      "sys_platform == 'linux'",
      "sys_platform != 'darwin' and sys_platform != 'linux'",
    ]);
  });

  test("two markers that cover the fork together: no remainder", () => {
    const edges = [edge("a", "sys_platform == 'win32'"), edge("a", "sys_platform != 'win32'")];
    const parts = splitFork(FROM_38, edges);
    assert.ok(parts !== undefined);
    assertPartition(FROM_38, parts);
    assert.deepEqual(texts(parts), ["sys_platform != 'win32'", "sys_platform == 'win32'"]);
  });

  test("overlapping markers on one package: each combination its own part", () => {
    const edges = [edge("a", "sys_platform == 'linux'"), edge("a", "python_version >= '3.10'")];
    const parts = splitFork(FROM_38, edges);
    assert.ok(parts !== undefined);
    assertPartition(FROM_38, parts);
    assert.equal(parts.length, 4);
  });

  test("a requirement that raises the lowest Python splits the fork there, lower Pythons first", () => {
    const edges = [edge("b", "python_version >= '3.10'")];
    const parts = splitFork(FROM_38, edges);
    assert.ok(parts !== undefined);
    assertPartition(FROM_38, parts);
    assert.deepEqual(texts(parts), ["python_version < '3.10'", "python_version >= '3.10'"]);
  });

  test("a requirement below the lowest Python's bound does not split", () => {
    const edges = [edge("b", "python_version >= '3.8'"), edge("c", "python_version < '3.12'")];
    assert.equal(splitFork(FROM_38, edges), undefined);
  });

  test("Pythons order the parts before the requirements' order", () => {
    const edges = [
      edge("a", "sys_platform == 'linux' and python_version >= '3.11'"),
      edge("a", "sys_platform == 'darwin'"),
    ];
    const parts = splitFork(FROM_38, edges);
    assert.ok(parts !== undefined);
    assertPartition(FROM_38, parts);
    const lowest = parts.map((p) => p.pythonRange().intervals[0]!.lower!.toString());
    assert.deepEqual(
      lowest,
      [...lowest].sort((a, b) => Version.parse(a).compare(Version.parse(b))),
    );
    assert.equal(texts(parts)!.at(-1), "python_version >= '3.11' and sys_platform == 'linux'");
  });
});
