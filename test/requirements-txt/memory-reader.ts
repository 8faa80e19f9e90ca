import { posix } from "node:path";
import type { RequirementsFileReader } from "../../src/requirements-txt/index.ts";

/**
 * An in-memory file system under `/work` for requirements-file tests: `files` maps paths
 * relative to `/work` (or URLs, for `fetch`) to their text. Records what was read.
 */
export function memoryReader(
  files: Record<string, string | Uint8Array>,
  options: { remote?: boolean } = {},
): RequirementsFileReader & { readonly reads: string[] } {
  const reads: string[] = [];
  const bytes = (value: string | Uint8Array) =>
    typeof value === "string" ? new TextEncoder().encode(value) : value;
  const local = (path: string) => files[posix.relative("/work", path)];
  return {
    reads,
    async readFile(path) {
      reads.push(path);
      const value = local(path);
      if (value === undefined) {
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {
          code: "ENOENT",
        });
      }
      return bytes(value);
    },
    async exists(path) {
      return (
        local(path) !== undefined ||
        Object.keys(files).some((name) => posix.join("/work", name).startsWith(`${path}/`))
      );
    },
    ...(options.remote && {
      async fetch(url: URL) {
        reads.push(url.href);
        const value = files[url.href];
        if (value === undefined) throw new Error(`404 Not Found: ${url.href}`);
        return bytes(value);
      },
    }),
  };
}
