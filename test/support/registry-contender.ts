/**
 * A child process that reads packages through a RegistryClient, for the test that two Puffin
 * processes share one cache. Run with tsx:
 *
 *   node --import tsx test/support/registry-contender.ts <cache dir> <index URL> <package>…
 *
 * For each package: its files, then the METADATA of each wheel. Prints one line per wheel,
 * `<filename> <name> <version>`, and exits non-zero on any error.
 */
import { PackageName } from "../../src/normalize/index.ts";
import { testRegistry } from "./registry.ts";

const [cacheDir, indexUrl, ...packages] = process.argv.slice(2);
if (cacheDir === undefined || indexUrl === undefined) {
  throw new Error("usage: <cache dir> <index URL> <package>…");
}
const { client, http } = testRegistry({ cacheDir, indexUrl });
const lines = await Promise.all(
  packages.map(async (name) => {
    const files = await client.simple(PackageName.parse(name));
    const read = files.files.map(async (file) => {
      const metadata = await client.wheelMetadata(file);
      return `${file.file.filename} ${metadata.name} ${metadata.version}`;
    });
    return (await Promise.all(read)).join("\n");
  }),
);
await http.close();
process.stdout.write(`${lines.join("\n")}\n`);
