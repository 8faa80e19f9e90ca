// Run in a child process by the installer tests (`node --import tsx unzip-in-child.ts WHEEL
// CACHE_DIR`): unzips the wheel into the cache and prints, as JSON, the process's peak RSS (in
// bytes) before and after, so a test can measure what unzipping costs in memory without the
// test runner's own memory in the way.
import { Cache } from "../../src/cache/index.ts";
import { unzipWheel } from "../../src/distribution/unzip-wheel.ts";

const [wheel, cacheDir] = process.argv.slice(2);
if (wheel === undefined || cacheDir === undefined) {
  throw new Error("usage: unzip-in-child.ts WHEEL CACHE_DIR");
}
const before = process.resourceUsage().maxRSS * 1024;
const cached = await unzipWheel({ wheel, cache: Cache.at(cacheDir) });
const after = process.resourceUsage().maxRSS * 1024;
process.stdout.write(JSON.stringify({ path: cached.path, before, after }));
