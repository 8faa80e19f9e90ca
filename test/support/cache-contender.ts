/**
 * A child process that contends for one cache path, for the concurrency tests of
 * `support/atomic-write` and `support/file-lock`. Run with tsx:
 *
 *   node --import tsx test/support/cache-contender.ts <mode> <path> <iterations> <id>
 *
 * - `write`: writes a large JSON document to `path` atomically, `iterations` times.
 * - `publish`: builds a directory (two files) and publishes it at `<path>/<i>`, for each i;
 *   prints how many it published and how many it found already there.
 * - `lock`: increments the counter in `<path>.count` under the lock at `<path>`, with a pause
 *   between read and write that would lose updates without mutual exclusion.
 * - `hold`: takes the lock at `path`, prints `locked`, and waits to be killed.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  createTempDirectory,
  FileLock,
  publishDirectory,
  writeFileAtomic,
} from "../../src/support/index.ts";
import { WRITE_PADDING } from "./contender-process.ts";

const [mode, path, iterationsText, id] = process.argv.slice(2);
if (path === undefined || id === undefined) throw new Error("usage: <mode> <path> <n> <id>");
const iterations = Number(iterationsText);

if (mode === "write") {
  for (let i = 0; i < iterations; i++) {
    await writeFileAtomic(path, JSON.stringify({ id, i, padding: "x".repeat(WRITE_PADDING) }));
  }
} else if (mode === "publish") {
  let published = 0;
  let existing = 0;
  for (let i = 0; i < iterations; i++) {
    const temp = await createTempDirectory(path);
    await writeFile(join(temp, "a"), id);
    await writeFile(join(temp, "b"), id);
    if ((await publishDirectory(temp, join(path, String(i)))) === "published") published++;
    else existing++;
  }
  process.stdout.write(JSON.stringify({ published, existing }));
} else if (mode === "lock") {
  for (let i = 0; i < iterations; i++) {
    const lock = await FileLock.acquire(path, { timeoutMs: 30_000 });
    const count = Number(await readFile(`${path}.count`, "utf8").catch(() => "0"));
    await sleep(1);
    await writeFile(`${path}.count`, String(count + 1));
    await lock.release();
  }
} else if (mode === "hold") {
  await FileLock.acquire(path);
  process.stdout.write("locked\n");
  await sleep(60_000);
} else {
  throw new Error(`unknown mode ${mode}`);
}
