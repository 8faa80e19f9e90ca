import assert from "node:assert/strict";
import { chmod, mkdir, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, test } from "node:test";
import { removeTree, treeSize } from "../../src/support/index.ts";
import { testDirectory } from "./temp-dir.ts";

const dir = testDirectory("tree");

/** a/{one (3 bytes), b/{two (5 bytes), link → ../one}} */
async function makeTree(root: string): Promise<void> {
  await mkdir(join(root, "b"), { recursive: true });
  await writeFile(join(root, "one"), "abc");
  await writeFile(join(root, "b", "two"), "abcde");
  await symlink("../one", join(root, "b", "link"));
}

describe("removeTree and treeSize", () => {
  test("count files (symlinks too), directories and file bytes", async () => {
    const root = join(dir, "counted");
    await makeTree(root);
    assert.equal(await treeSize(root), 8);
    assert.deepEqual(await removeTree(root), { files: 3, dirs: 2, bytes: 8 });
    await assert.rejects(stat(root), { code: "ENOENT" });
  });

  test("never follow a symlink out of the tree", async () => {
    const outside = join(dir, "outside");
    await mkdir(outside);
    await writeFile(join(outside, "keep"), "x");
    const root = join(dir, "linking");
    await mkdir(root);
    await symlink(outside, join(root, "to-outside"));
    assert.deepEqual(await removeTree(root), { files: 1, dirs: 1, bytes: 0 });
    assert.ok((await stat(join(outside, "keep"))).isFile());
  });

  test("a missing path is an empty removal and size 0", async () => {
    assert.deepEqual(await removeTree(join(dir, "missing")), { files: 0, dirs: 0, bytes: 0 });
    assert.equal(await treeSize(join(dir, "missing")), 0);
  });

  test("two concurrent removals of one tree both succeed and remove each entry once", async () => {
    const root = join(dir, "raced");
    for (let i = 0; i < 20; i++) await makeTree(join(root, String(i)));
    const [a, b] = await Promise.all([removeTree(root), removeTree(root)]);
    assert.equal(a.files + b.files, 60);
    assert.equal(a.bytes + b.bytes, 160);
    await assert.rejects(stat(root), { code: "ENOENT" });
  });

  test("read-only directories are removed too", async () => {
    const root = join(dir, "read-only");
    await makeTree(root);
    await chmod(join(root, "b"), 0o500);
    assert.equal((await removeTree(root)).files, 3);
  });
});
