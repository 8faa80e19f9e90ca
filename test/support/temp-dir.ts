import { mkdtempSync, rmSync } from "node:fs";
import { stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after } from "node:test";

/**
 * A temporary directory for the test file that calls it: created at once, removed after the
 * file's last test. Call it at module level.
 */
export function testDirectory(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `puffin-${prefix}-`));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** True when something (a file, a directory, a link to either) is at `path`. */
export async function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
