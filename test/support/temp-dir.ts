import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
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

/** Writes `files` (paths relative to `directory`, `/`-separated) under `directory`, making folders. */
export function writeTree(directory: string, files: Record<string, string | Uint8Array>): void {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(dirname(join(directory, file)), { recursive: true });
    writeFileSync(join(directory, file), content);
  }
}

/** True when something (a file, a directory, a link to either) is at `path`. */
export async function pathExists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
