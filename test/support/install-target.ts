import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after } from "node:test";
import { Cache } from "../../src/cache/index.ts";
import type { InstallLayout } from "../../src/installer/install-layout.ts";

/** A scratch environment for installer tests: a layout under a temp prefix, and a cache. */
export interface InstallTarget {
  readonly root: string;
  readonly layout: InstallLayout;
  readonly cache: Cache;
}

/**
 * A temp directory holding `cache/` and an environment `env/` whose scheme directories are
 * `env/purelib`, `env/platlib`, `env/scripts`, `env/data` and `env/headers` (so a test can name
 * where each file must land), with `python` as the interpreter for shebangs. The scheme
 * directories exist, as they do in a real environment.
 */
export function makeInstallTarget(python = "/opt/python/bin/python3"): InstallTarget {
  const root = mkdtempSync(join(tmpdir(), "puffin-installer-"));
  const prefix = join(root, "env");
  const scheme = {
    purelib: join(prefix, "purelib"),
    platlib: join(prefix, "platlib"),
    scripts: join(prefix, "scripts"),
    include: join(prefix, "include"),
    data: join(prefix, "data"),
  };
  for (const dir of [scheme.purelib, scheme.platlib, scheme.scripts, scheme.data]) {
    mkdirSync(dir, { recursive: true });
  }
  return {
    root,
    layout: { prefix, scheme, headers: join(prefix, "headers"), python },
    cache: Cache.at(join(root, "cache")),
  };
}

/**
 * `makeInstallTarget` for one test file: every target it makes is removed after the file's last
 * test. Call it once, at module level.
 */
export function installTargets(): (python?: string) => InstallTarget {
  const roots: string[] = [];
  after(() => {
    for (const root of roots) rmSync(root, { recursive: true, force: true });
  });
  return (python) => {
    const target = makeInstallTarget(python);
    roots.push(target.root);
    return target;
  };
}

/** Every file under `dir` (relative, `/`-separated) → content and executable bit. */
export function snapshotTree(dir: string): Map<string, { content: string; executable: boolean }> {
  const out = new Map<string, { content: string; executable: boolean }>();
  const walk = (at: string) => {
    let names: string[];
    try {
      names = readdirSync(at);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(at, name);
      const stats = statSync(path);
      if (stats.isDirectory()) {
        walk(path);
        // Directories count too (as entries with empty content), so that removal is checked.
        out.set(`${relative(dir, path)}/`, { content: "", executable: false });
      } else {
        out.set(relative(dir, path), {
          content: readFileSync(path, "latin1"),
          executable: (stats.mode & 0o111) !== 0,
        });
      }
    }
  };
  walk(dir);
  return out;
}
