import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import type { CachedDist } from "../distribution-types/index.ts";
import { PackageName } from "../normalize/index.ts";
import {
  type DirectUrl,
  formatRecordRow,
  parseRecord,
  type RecordEntry,
  recordHash,
  serializeDirectUrl,
} from "../pypi-types/index.ts";
import { PuffinError, tempName } from "../support/index.ts";
import { DamagedArchiveError } from "./damaged-archive.ts";
import type { InstallLayout } from "./install-layout.ts";
import type { Linker } from "./link-mode.ts";
import { checkNotProtected } from "./protected-paths.ts";
import {
  hasPythonShebang,
  launcherScript,
  PYTHON_SHEBANG_LENGTH,
  rewriteShebang,
} from "./scripts.ts";
import type { EnvironmentTransaction } from "./transaction.ts";
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
  /** The change this install is part of: it makes room for the files and can undo them. */
  readonly transaction: EnvironmentTransaction;
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

/** A directory files go to: a scheme directory, or the site directory for the wheel's root. */
interface Destination {
  readonly dir: string;
  /** `dir` relative to the site directory, as RECORD writes it, with a trailing `/` ("" for it). */
  readonly recordPrefix: string;
  /** The subdirectories files go to, relative to `dir`. */
  readonly parents: Set<string>;
}

/** A file to link (`link`), or to copy with its `#!python` line rewritten (`script`). */
interface Operation {
  readonly kind: "link" | "script";
  readonly source: string;
  readonly to: Destination;
  /** The path under `to.dir`, `/`-separated. */
  readonly rel: string;
  readonly wheelPath: string;
}

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
 * exists is complete. The transaction records what the install creates before it is written,
 * and moves out of the way whatever occupies its paths, so the install can be undone.
 *
 * Blocking calls: the work is tens of thousands of syscalls that take microseconds each
 * (`link(2)`, `mkdir(2)`), for which a promise costs more than the call. Files are placed from
 * the unzipped tree's listing; RECORD rows of linked files reuse the hashes of the wheel's RECORD
 * (verified when the wheel was unzipped), so only generated or rewritten files are hashed.
 */
export function installWheelSync(
  wheel: WheelInstall,
  context: WheelInstallContext,
): InstalledWheel {
  const { layout, linker } = context;
  const root = wheel.cached.path;
  const display = wheel.cached.filename.toString();
  const tree = listTree(root);
  const distInfoName = findDistInfo(tree.topDirs, wheel.cached, display);
  const stem = distInfoName.slice(0, -".dist-info".length);
  const projectName = stem.split("-", 1)[0]!;
  const dataDir = `${stem}.data`;
  const distInfoSource = join(root, distInfoName);
  const present = new Set(tree.files);
  for (const required of ["WHEEL", "RECORD"]) {
    if (!present.has(`${distInfoName}/${required}`)) {
      throw new DamagedArchiveError(wheel.cached, `its \`${distInfoName}/${required}\` is missing`);
    }
  }
  const info = parseWheelInfo(
    readFileSync(join(distInfoSource, "WHEEL")),
    `${distInfoName}/WHEEL in ${display}`,
  );
  const wheelRecord = new Map<string, RecordEntry>();
  const recordText = readFileSync(join(distInfoSource, "RECORD"), "utf8");
  for (const row of parseRecord(recordText, `${distInfoName}/RECORD in ${display}`)) {
    wheelRecord.set(row.path, row);
    if (
      row.hash !== undefined &&
      !row.path.startsWith(`${distInfoName}/`) &&
      !present.has(row.path)
    ) {
      throw new DamagedArchiveError(
        wheel.cached,
        `\`${row.path}\`, which its RECORD lists, is missing`,
      );
    }
  }
  const site = join(info.rootIsPurelib ? layout.scheme.purelib : layout.scheme.platlib);
  // Where each part goes: the root to `site`, `.data/<scheme>/` to that scheme's directory;
  // `recordPrefix` is the directory relative to `site`, as RECORD paths are.
  const destinations = new Map<string, Destination>();
  const destination = (scheme: string | undefined): Destination => {
    const key = scheme ?? "";
    let found = destinations.get(key);
    if (found === undefined) {
      const dir = join(scheme === undefined ? site : schemeDir(layout, scheme, projectName));
      const prefix = dir === site ? "" : toRecordPath(relative(site, dir));
      found = { dir, recordPrefix: prefix === "" ? "" : `${prefix}/`, parents: new Set() };
      destinations.set(key, found);
    }
    return found;
  };

  const scripts = tree.files.includes(`${distInfoName}/entry_points.txt`)
    ? parseScriptEntryPoints(
        readFileSync(join(distInfoSource, "entry_points.txt"), "utf8"),
        `${distInfoName}/entry_points.txt in ${display}`,
      )
    : [];
  const entryPointNames = new Set(scripts.map((script) => script.name));

  const operations: Operation[] = [];
  const distInfoFiles: string[] = [];
  const distInfoPrefix = `${distInfoName}/`;
  const dataPrefix = `${dataDir}/`;
  for (const path of tree.files) {
    if (path.startsWith("__pycache__/") || path.includes("/__pycache__/")) continue;
    if (path.startsWith(distInfoPrefix)) {
      const name = path.slice(distInfoPrefix.length);
      if (!REGENERATED.has(name)) distInfoFiles.push(name);
      continue;
    }
    let kind: Operation["kind"] = "link";
    let to: Destination;
    let rel = path;
    if (path.startsWith(dataPrefix)) {
      const rest = path.slice(dataPrefix.length);
      const slash = rest.indexOf("/");
      const scheme = slash < 0 ? undefined : rest.slice(0, slash);
      if (scheme === undefined || !DATA_SCHEMES.has(scheme)) {
        throw new PuffinError(
          "invalid-wheel",
          `${display}: ${path} is not in a valid .data subdirectory (one of ${[...DATA_SCHEMES].join(", ")})`,
        );
      }
      rel = rest.slice(slash + 1);
      if (scheme === "scripts") {
        if (isEntryPointWrapper(rel, entryPointNames)) continue;
        kind = "script";
      }
      to = destination(scheme);
    } else {
      to = destination(undefined);
    }
    addParents(to.parents, rel);
    operations.push({ kind, source: under(root, path), to, rel, wheelPath: path });
  }

  // Nothing of the wheel may replace the environment's own files (before anything is written).
  for (const { to, rel, wheelPath } of operations) {
    if (to.dir !== site) {
      checkNotProtected(layout, under(to.dir, rel), { wheel: display, item: `file ${wheelPath}` });
    }
  }
  if (scripts.length > 0) {
    const dir = destination("scripts").dir;
    for (const script of scripts) {
      checkNotProtected(layout, under(dir, script.name), {
        wheel: display,
        item: `${script.section} entry point \`${script.name}\``,
      });
    }
  }

  // Room for everything, recorded before anything is written: the destinations (with missing
  // parents inside the environment), the wheel's own subdirectories parents first (a parent
  // sorts before its children), every file and launcher, and the `.dist-info` directory.
  if (scripts.length > 0) destination("scripts");
  const distInfo = join(site, distInfoName);
  const staging = join(site, tempName());
  const directories: string[] = [];
  for (const to of destinations.values()) {
    directories.push(...ancestorsInside(layout.prefix, to.dir), to.dir);
    for (const dir of [...to.parents].sort()) directories.push(under(to.dir, dir));
  }
  const targets = operations.map(({ to, rel }) => under(to.dir, rel));
  if (scripts.length > 0) {
    const dir = destination("scripts").dir;
    for (const script of scripts) targets.push(under(dir, script.name));
  }
  targets.push(distInfo);
  context.transaction.place({ distInfo, targets, directories, staging });

  const rows: RecordEntry[] = [];
  for (const { kind, source, to, rel, wheelPath } of operations) {
    const target = under(to.dir, rel);
    const path = to.recordPrefix + rel;
    if (kind === "link" || isPlainExecutable(source)) {
      linker.place(source, target);
      const known = wheelRecord.get(wheelPath);
      if (known?.hash !== undefined && known.size !== undefined) {
        rows.push({ path, hash: known.hash, size: known.size });
      } else {
        const bytes = readFileSync(target);
        rows.push({ path, hash: recordHash(bytes), size: bytes.length });
      }
    } else {
      const original = readFileSync(source);
      const content = rewriteShebang(original, layout.python) ?? original;
      writeFileSync(target, content, { flag: "wx", mode: 0o755 });
      rows.push({ path, hash: recordHash(content), size: content.length });
    }
  }

  if (scripts.length > 0) {
    const to = destination("scripts");
    for (const script of scripts) {
      const content = encoder.encode(launcherScript(script, layout.python));
      writeFileSync(under(to.dir, script.name), content, { flag: "wx", mode: 0o755 });
      rows.push({
        path: to.recordPrefix + script.name,
        hash: recordHash(content),
        size: content.length,
      });
    }
  }

  // The .dist-info directory: assembled under a temp name, renamed into place last.
  mkdirSync(staging);
  const stagedDirs = new Set<string>();
  for (const name of distInfoFiles) addParents(stagedDirs, name);
  for (const dir of [...stagedDirs].sort()) mkdirSync(under(staging, dir));
  const stagedRows: RecordEntry[] = [];
  const stage = (name: string, content: Uint8Array | undefined) => {
    const target = under(staging, name);
    let bytes = content;
    if (bytes === undefined) {
      linker.place(under(distInfoSource, name), target);
      const known = wheelRecord.get(`${distInfoName}/${name}`);
      if (known?.hash !== undefined && known.size !== undefined) {
        stagedRows.push({ path: `${distInfoName}/${name}`, hash: known.hash, size: known.size });
        return;
      }
      bytes = readFileSync(target);
    } else {
      writeFileSync(target, bytes, { flag: "wx", mode: 0o644 });
    }
    stagedRows.push({
      path: `${distInfoName}/${name}`,
      hash: recordHash(bytes),
      size: bytes.length,
    });
  };
  for (const name of distInfoFiles) stage(name, undefined);
  stage("INSTALLER", encoder.encode(`${context.installer}\n`));
  if (wheel.requested) stage("REQUESTED", new Uint8Array(0));
  if (wheel.directUrl !== undefined) {
    stage("direct_url.json", encoder.encode(serializeDirectUrl(wheel.directUrl)));
  }
  const record = [
    ...rows,
    ...stagedRows,
    { path: `${distInfoName}/RECORD`, hash: undefined, size: undefined },
  ];
  record.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  writeFileSync(join(staging, "RECORD"), record.map(formatRecordRow).join(""), {
    flag: "wx",
    mode: 0o644,
  });
  renameSync(staging, distInfo);
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

/**
 * A `.data/scripts/` file that can be linked as it is: executable already (the unzipped tree
 * keeps the archive's execute bits), and without a `#!python` line to rewrite — compiled
 * programs such as `ruff` (24 MB), which would otherwise be read, hashed and written again.
 */
function isPlainExecutable(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    if ((fstatSync(fd).mode & 0o111) === 0) return false;
    const head = new Uint8Array(PYTHON_SHEBANG_LENGTH);
    const read = readSync(fd, head, 0, head.length, 0);
    return !hasPythonShebang(head.subarray(0, read));
  } finally {
    closeSync(fd);
  }
}

/** The wheel's `.dist-info` directory name in the unzipped tree. */
function findDistInfo(topDirs: readonly string[], cached: CachedDist, display: string): string {
  const matching = topDirs.filter(
    (name) =>
      name.endsWith(".dist-info") &&
      PackageName.fromValid(name.split("-", 1)[0]!) === cached.filename.name,
  );
  if (matching.length === 0) {
    throw new DamagedArchiveError(
      cached,
      `it has no .dist-info directory for \`${cached.filename.name}\``,
    );
  }
  if (matching.length > 1) {
    throw new PuffinError(
      "invalid-wheel",
      `${display} (unzipped at ${cached.path}) has more than one .dist-info directory for \`${cached.filename.name}\``,
    );
  }
  return matching[0]!;
}

/** An unzipped tree: its regular files (`/`-separated relative paths) and top directories. */
interface Tree {
  readonly files: string[];
  readonly topDirs: string[];
}

/** Lists `root` with one recursive `readdir`. */
function listTree(root: string): Tree {
  const files: string[] = [];
  const topDirs: string[] = [];
  const skip = root.length + 1;
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const parent = entry.parentPath;
      files.push(
        toRecordPath(
          parent.length < skip ? entry.name : `${parent.slice(skip)}${sep}${entry.name}`,
        ),
      );
    } else if (entry.isDirectory() && entry.parentPath.length < skip) {
      topDirs.push(entry.name);
    }
  }
  return { files, topDirs };
}

/** Adds the directories above the `/`-separated relative path `rel` to `dirs`. */
function addParents(dirs: Set<string>, rel: string): void {
  for (let end = rel.lastIndexOf("/"); end > 0; end = rel.lastIndexOf("/", end - 1)) {
    const dir = rel.slice(0, end);
    if (dirs.has(dir)) return;
    dirs.add(dir);
  }
}

/** `rel` (`/`-separated) under the directory `base`. */
function under(base: string, rel: string): string {
  return sep === "/" ? `${base}/${rel}` : join(base, ...rel.split("/"));
}

/** A native relative path as a RECORD path (`/`-separated). */
function toRecordPath(path: string): string {
  return sep === "/" ? path : path.split(sep).join("/");
}

function schemeDir(layout: InstallLayout, scheme: string, projectName: string): string {
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
}

/**
 * The directories between the environment's prefix (excluded) and `dir` (excluded), outermost
 * first: what `mkdir -p dir` would create, confined to the environment.
 */
function ancestorsInside(prefix: string, dir: string): string[] {
  const ancestors: string[] = [];
  for (let at = dirname(dir); at.startsWith(`${prefix}${sep}`); at = dirname(at)) {
    ancestors.unshift(at);
  }
  return ancestors;
}
