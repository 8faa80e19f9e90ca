// The machines' offline index (DESIGN.md §7) through the registry client: every wheel's
// METADATA read via the `file://` index pages, one index at a time (so a project on both indexes
// is read from each). Shared by the offline-index test and `bench/metadata.ts`.
import { existsSync, readdirSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { PackageName } from "../../src/normalize/index.ts";
import { testRegistry } from "./registry.ts";

export const OFFLINE_INDEXES = ["/opt/pypi/simple", "/opt/pypi-more/simple"];

/** The offline indexes present on this machine. */
export function presentOfflineIndexes(): string[] {
  return OFFLINE_INDEXES.filter((root) => existsSync(root));
}

export interface WheelRead {
  readonly index: string;
  readonly filename: string;
  /** Milliseconds for this wheel's METADATA (the page read excluded). */
  readonly ms: number;
  readonly error: unknown;
}

/** Reads every wheel's METADATA of every present offline index, sequentially, with `cacheDir`. */
export async function readOfflineIndexes(cacheDir: string): Promise<WheelRead[]> {
  const reads: WheelRead[] = [];
  for (const root of presentOfflineIndexes()) {
    const { client } = testRegistry({ cacheDir, indexUrl: pathToFileURL(root).href });
    const projects = readdirSync(root, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    for (const project of projects) {
      const files = await client.simple(PackageName.parse(project));
      for (const file of files.files) {
        if (file.file.distFilename.kind !== "wheel") continue;
        const start = performance.now();
        let error: unknown;
        try {
          await client.wheelMetadata(file);
        } catch (caught) {
          error = caught;
        }
        reads.push({
          index: root,
          filename: file.file.filename,
          ms: performance.now() - start,
          error,
        });
      }
    }
  }
  return reads;
}
