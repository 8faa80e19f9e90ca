// Where a universal resolution's fork splits (`splitFork`): on the differing markers of
// requirements on one package, and on a requirement that raises the fork's lowest Python; the
// parts are disjoint, cover the fork, and come in the order they are solved in (uv's: highest
// Python first, lowest with `--resolution lowest`; then the part with more requirements bounded
// above; then the part inside the last splitting marker first, the rest of the fork last).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { PackageName } from "../../src/normalize/index.ts";
import { Version, VersionRange, VersionSpecifiers } from "../../src/pep440/index.ts";
import { MarkerSet } from "../../src/pep508/index.ts";
import { splitFork } from "../../src/resolver/fork-split.ts";

const FROM_38 = MarkerSet.python(VersionRange.higherThan(Version.parse("3.8")));

function edge(name: string, marker: string, specifiers = "") {
  return {
    to: { name: PackageName.parse(name) },
    marker: marker === "" ? MarkerSet.TRUE : MarkerSet.parse(marker),
    range: VersionRange.fromSpecifiers(VersionSpecifiers.parse(specifiers)),
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
    // The first requirement's part first (it was split off last), the rest (neither) last.
    assert.deepEqual(texts(parts), [
      "sys_platform == 'linux'",
      "sys_platform == 'darwin'",
      "sys_platform != 'darwin' and sys_platform != 'linux'",
    ]);
  });

  test("two markers that cover the fork together: no remainder", () => {
    const edges = [edge("a", "sys_platform == 'win32'"), edge("a", "sys_platform != 'win32'")];
    const parts = splitFork(FROM_38, edges);
    assert.ok(parts !== undefined);
    assertPartition(FROM_38, parts);
    assert.deepEqual(texts(parts), ["sys_platform == 'win32'", "sys_platform != 'win32'"]);
  });

  test("overlapping markers on one package: each combination its own part", () => {
    const edges = [edge("a", "sys_platform == 'linux'"), edge("a", "python_version >= '3.10'")];
    const parts = splitFork(FROM_38, edges);
    assert.ok(parts !== undefined);
    assertPartition(FROM_38, parts);
    assert.equal(parts.length, 4);
  });

  test("a requirement that raises the lowest Python splits the fork there, higher Pythons first", () => {
    const edges = [edge("b", "python_version >= '3.10'")];
    const parts = splitFork(FROM_38, edges);
    assert.ok(parts !== undefined);
    assertPartition(FROM_38, parts);
    assert.deepEqual(texts(parts), ["python_version >= '3.10'", "python_version < '3.10'"]);
    // Lowest resolutions solve the lowest Pythons first (the fewest versions).
    assert.deepEqual(texts(splitFork(FROM_38, edges, "lowest")), [
      "python_version < '3.10'",
      "python_version >= '3.10'",
    ]);
  });

  test("the part with more requirements bounded above comes before the order of the splits", () => {
    const edges = [
      edge("a", "os_name == 'nt'", ">=2"),
      edge("a", "os_name != 'nt'", ">=1,<2"),
      edge("z", "", "==1.*"),
    ];
    const parts = splitFork(FROM_38, edges);
    assert.ok(parts !== undefined);
    assertPartition(FROM_38, parts);
    // Without the upper bound, the `os_name == 'nt'` part would come first (split off last).
    assert.deepEqual(texts(parts), ["os_name != 'nt'", "os_name == 'nt'"]);
    const unbounded = [edge("a", "os_name == 'nt'", ">=2"), edge("a", "os_name != 'nt'", ">=1")];
    assert.deepEqual(texts(splitFork(FROM_38, unbounded)), ["os_name == 'nt'", "os_name != 'nt'"]);
  });

  test("packages split in name order, whatever the order of their requirements", () => {
    const parts = splitFork(FROM_38, [
      edge("zeta", "implementation_name == 'pypy'"),
      edge("zeta", "implementation_name != 'pypy'"),
      edge("alpha", "sys_platform == 'linux'"),
      edge("alpha", "sys_platform != 'linux'"),
    ]);
    assert.ok(parts !== undefined);
    assertPartition(FROM_38, parts);
    // `alpha` splits first, so its marker orders the parts first, `zeta`'s within.
    assert.deepEqual(texts(parts), [
      "implementation_name == 'pypy' and sys_platform == 'linux'",
      "implementation_name != 'pypy' and sys_platform == 'linux'",
      "implementation_name == 'pypy' and sys_platform != 'linux'",
      "implementation_name != 'pypy' and sys_platform != 'linux'",
    ]);
  });

  test("a requirement below the lowest Python's bound does not split", () => {
    const edges = [edge("b", "python_version >= '3.8'"), edge("c", "python_version < '3.12'")];
    assert.equal(splitFork(FROM_38, edges), undefined);
  });

  test("Pythons order the parts before the requirements' order: the highest first", () => {
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
      [...lowest].sort((a, b) => Version.parse(b).compare(Version.parse(a))),
    );
    assert.equal(texts(parts)![0], "python_version >= '3.11' and sys_platform == 'linux'");
  });
});
