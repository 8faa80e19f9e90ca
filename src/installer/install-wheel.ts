import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { CachedDist } from "../distribution-types/index.ts";
import { PackageName } from "../normalize/index.ts";
import { type DirectUrl, serializeDirectUrl } from "../pypi-types/index.ts";
import { PuffinError, tempName } from "../support/index.ts";
import type { InstallJournal } from "./install-journal.ts";
import type { InstallLayout } from "./install-layout.ts";
import type { Linker } from "./link-mode.ts";
import { formatRecordRow, parseRecord, type RecordEntry, recordHash } from "./record.ts";
import { launcherScript, rewriteShebang } from "./scripts.ts";
import { parseScriptEntryPoints, parseWheelInfo } from "./wheel-info.ts";

/** One wheel to install. */
export interface WheelInstall {
  readonly cached: CachedDist;
  /** Asked for directly by the user: writes `REQUESTED` (PEP 376). */
  readonly requested: boolean;
  /** Written as `direct_url.json` (PEP 610) for URL, path, VCS and editable installs. */
  readonly directUrl?: DirectUrl | undefined;
}

export interface WheelInstallContext {
  readonly layout: InstallLayout;
  readonly linker: Linker;
  readonly journal: InstallJournal;
  /** The `INSTALLER` file's content (PEP 376), without the newline. */
  readonly installer: string;
}

/** What an install put in place. */
export interface InstalledWheel {
  readonly cached: CachedDist;
  /** The absolute path of the new `.dist-info` directory. */
  readonly distInfo: string;
  /** The RECORD rows written, paths relative to the `.dist-info`'s parent. */
  readonly record: readonly RecordEntry[];
}

const DATA_SCHEMES = new Set(["purelib", "platlib", "scripts", "headers", "data"]);
/** `.dist-info` files the installer writes itself; the wheel's own copies are not installed. */
const REGENERATED = new Set(["RECORD", "INSTALLER", "REQUESTED", "direct_url.json"]);
const encoder = new TextEncoder();

type Operation =
  | { kind: "link"; source: string; target: string; wheelPath: string }
  | { kind: "script"; source: string; target: string; wheelPath: string };

/**
 * Installs one unzipped wheel from the cache into an environment, per the binary distribution
 * format (https://packaging.python.org/en/latest/specifications/binary-distribution-format/):
 * the root goes to purelib or platlib (`Root-Is-Purelib`), `<name>-<version>.data/<scheme>/`
 * to that scheme's directory (headers under a directory named for the project), `.data/scripts/`
 * files are copied with `#!python` rewritten and made executable (except the wrappers setuptools
 * generated for entry points, as pip skips them), `console_scripts` and `gui_scripts` entry
 * points become launchers, `__pycache__` entries are skipped.
 *
 * The `.dist-info` directory is assembled under a temp name next to its destination, with
 * `INSTALLER`, `REQUESTED`, `direct_url.json` and a `RECORD` listing every installed and
 * generated file with its hash, and renamed into place last: a distribution whose `.dist-info`
 * exists is complete. Everything created is recorded in the journal, for rollback.
 */
export async function installWheel(
  wheel: WheelInstall,
  context: WheelInstallContext,
): Promise<InstalledWheel> {
  const { layout, linker, journal } = context;
  const root = wheel.cached.path;
  const display = wheel.cached.filename.toString();
  const distInfoName = await findDistInfo(root, wheel.cached, display);
  const stem = distInfoName.slice(0, -".dist-info".length);
  const projectName = stem.split("-", 1)[0]!;
  const dataDir = `${stem}.data`;
  const distInfoSource = join(root, distInfoName);
  const info = parseWheelInfo(
    await readFile(join(distInfoSource, "WHEEL")),
    `${distInfoName}/WHEEL in ${display}`,
  );
  const wheelRecord = new Map<string, RecordEntry>();
  const recordText = await readFile(join(distInfoSource, "RECORD"), "utf8");
  for (const row of parseRecord(recordText, `${distInfoName}/RECORD in ${display}`)) {
    wheelRecord.set(row.path, row);
  }
  const site = info.rootIsPurelib ? layout.scheme.purelib : layout.scheme.platlib;
  const schemeDir = (scheme: string): string => {
    switch (scheme) {
      case "purelib":
        return layout.scheme.purelib;
      case "platlib":
        return layout.scheme.platlib;
      case "scripts":
        return layout.scheme.scripts;
      case "data":
        return layout.scheme.data;
      default:
        return join(layout.headers, projectName);
    }
  };

  const files = await listFiles(root);
  const scripts = files.includes(`${distInfoName}/entry_points.txt`)
    ? parseScriptEntryPoints(
        await readFile(join(distInfoSource, "entry_points.txt"), "utf8"),
        `${distInfoName}/entry_points.txt in ${display}`,
      )
    : [];
  const entryPointNames = new Set(scripts.map((script) => script.name));

  const operations: Operation[] = [];
  const distInfoFiles: string[] = [];
  for (const path of files) {
    const parts = path.split("/");
    if (parts.includes("__pycache__")) continue;
    if (parts[0] === distInfoName) {
      if (parts.length === 2 && REGENERATED.has(parts[1]!)) continue;
      distInfoFiles.push(parts.slice(1).join("/"));
      continue;
    }
    const source = join(root, ...parts);
    if (parts[0] === dataDir) {
      const scheme = parts[1];
      if (parts.length < 3 || scheme === undefined || !DATA_SCHEMES.has(scheme)) {
        throw new PuffinError(
          "invalid-wheel",
          `${display}: ${path} is not in a valid .data subdirectory (one of ${[...DATA_SCHEMES].join(", ")})`,
        );
      }
      if (scheme === "scripts" && isEntryPointWrapper(parts.slice(2).join("/"), entryPointNames)) {
        continue;
      }
      const target = join(schemeDir(scheme), ...parts.slice(2));
      operations.push({
        kind: scheme === "scripts" ? "script" : "link",
        source,
        target,
        wheelPath: path,
      });
      continue;
    }
    operations.push({ kind: "link", source, target: join(site, ...parts), wheelPath: path });
  }

  const rows: RecordEntry[] = [];
  const rowFor = async (target: string, wheelPath: string | undefined, content?: Uint8Array) => {
    const known = wheelPath === undefined ? undefined : wheelRecord.get(wheelPath);
    if (content === undefined && known?.hash !== undefined && known.size !== undefined) {
      rows.push({ path: recordPath(site, target), hash: known.hash, size: known.size });
      return;
    }
    const bytes = content ?? (await readFile(target));
    rows.push({ path: recordPath(site, target), hash: recordHash(bytes), size: bytes.length });
  };

  for (const operation of operations) {
    await journal.ensureDir(parentOf(operation.target));
    if (operation.kind === "link") {
      await journal.place(operation.target, () => linker.place(operation.source, operation.target));
      await rowFor(operation.target, operation.wheelPath);
    } else {
      const original = await readFile(operation.source);
      const content = rewriteShebang(original, layout.python) ?? original;
      await writeNew(journal, operation.target, content, 0o755);
      await rowFor(operation.target, operation.wheelPath, content);
    }
  }

  if (scripts.length > 0) await journal.ensureDir(layout.scheme.scripts);
  for (const script of scripts) {
    const target = join(layout.scheme.scripts, script.name);
    const content = encoder.encode(launcherScript(script, layout.python));
    await writeNew(journal, target, content, 0o755);
    await rowFor(target, undefined, content);
  }

  // The .dist-info directory: assembled under a temp name, renamed into place last.
  const distInfo = join(site, distInfoName);
  await journal.ensureDir(site);
  const staging = join(site, tempName());
  await mkdir(staging);
  journal.recordCreated(staging);
  const stagedRows: RecordEntry[] = [];
  const stage = async (name: string, content: Uint8Array | undefined) => {
    const target = join(staging, ...name.split("/"));
    await journal.ensureDir(parentOf(target));
    let bytes = content;
    if (bytes === undefined) {
      await linker.place(join(distInfoSource, ...name.split("/")), target);
      const known = wheelRecord.get(`${distInfoName}/${name}`);
      if (known?.hash !== undefined && known.size !== undefined) {
        stagedRows.push({ path: `${distInfoName}/${name}`, hash: known.hash, size: known.size });
        return;
      }
      bytes = await readFile(target);
    } else {
      await writeFile(target, bytes, { flag: "wx", mode: 0o644 });
    }
    stagedRows.push({
      path: `${distInfoName}/${name}`,
      hash: recordHash(bytes),
      size: bytes.length,
    });
  };
  for (const name of distInfoFiles) await stage(name, undefined);
  await stage("INSTALLER", encoder.encode(`${context.installer}\n`));
  if (wheel.requested) await stage("REQUESTED", new Uint8Array(0));
  if (wheel.directUrl !== undefined) {
    await stage("direct_url.json", encoder.encode(serializeDirectUrl(wheel.directUrl)));
  }
  const record = [
    ...rows,
    ...stagedRows,
    { path: `${distInfoName}/RECORD`, hash: undefined, size: undefined },
  ];
  record.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  await writeFile(join(staging, "RECORD"), record.map(formatRecordRow).join(""), {
    flag: "wx",
    mode: 0o644,
  });
  await journal.place(distInfo, () => renameNoReplace(staging, distInfo));
  return { cached: wheel.cached, distInfo, record };
}

/**
 * A `.data/scripts/` file that setuptools generated for an entry point (`EP`, `EP.exe`,
 * `EP-script.py`, `EP.pya`): skipped, since the installer writes its own launcher for `EP` — the
 * rule and the names are pip's (`is_entrypoint_wrapper`).
 */
function isEntryPointWrapper(path: string, entryPoints: ReadonlySet<string>): boolean {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const lower = name.toLowerCase();
  let base = name;
  if (lower.endsWith(".exe") || lower.endsWith(".pya")) base = name.slice(0, -4);
  else if (lower.endsWith("-script.py")) base = name.slice(0, -"-script.py".length);
  return entryPoints.has(base);
}

/** The wheel's `.dist-info` directory name in the unzipped tree. */
async function findDistInfo(root: string, cached: CachedDist, display: string): Promise<string> {
  const names = (await readdir(root)).filter((name) => name.endsWith(".dist-info"));
  const matching = names.filter(
    (name) => PackageName.fromValid(name.split("-", 1)[0]!) === cached.filename.name,
  );
  if (matching.length !== 1) {
    throw new PuffinError(
      "invalid-wheel",
      `${display} (unzipped at ${root}) has ${matching.length === 0 ? "no" : "more than one"} .dist-info directory for \`${cached.filename.name}\``,
    );
  }
  return matching[0]!;
}

/** Every regular file under `root`, as `/`-separated relative paths. */
async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const path = relative(root, join(entry.parentPath, entry.name));
    files.push(sep === "/" ? path : path.split(sep).join("/"));
  }
  return files.sort();
}

/** A RECORD path: relative to the `.dist-info`'s parent, `/`-separated (`../../bin/x`). */
function recordPath(site: string, target: string): string {
  const path = relative(site, target);
  return sep === "/" ? path : path.split(sep).join("/");
}

function parentOf(path: string): string {
  return join(path, "..");
}

async function writeNew(
  journal: InstallJournal,
  target: string,
  content: Uint8Array,
  mode: number,
): Promise<void> {
  await journal.place(target, () => writeFile(target, content, { flag: "wx", mode }));
}

/**
 * Renames a directory into a place that must be free: `rename(2)` would silently replace an
 * empty directory, and fails with `ENOTEMPTY` for a full one; both are reported as `EEXIST` so
 * the journal moves the old one aside.
 */
async function renameNoReplace(source: string, target: string): Promise<void> {
  try {
    await readdir(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      await rename(source, target);
      return;
    }
    throw error;
  }
  throw Object.assign(new Error(`${target} exists`), { code: "EEXIST" });
}
