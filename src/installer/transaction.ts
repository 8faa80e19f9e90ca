import {
  appendFileSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
} from "node:fs";
import { dirname, join } from "node:path";
import {
  describeSystemError,
  fsError,
  isProcessAlive,
  log,
  PuffinError,
  removeTree,
  tempNameOwner,
} from "../support/index.ts";
import type { InstallLayout } from "./install-layout.ts";

/**
 * One change of an environment (every removal and every install of a `pip sync`, say) as a
 * write-ahead journal on disk, so that a failure, or a process killed at any instant, leaves an
 * environment that is rolled back to exactly what it was by whoever takes the environment's
 * lock next (`recoverEnvironment`).
 *
 *     <prefix>/.puffin-transaction/
 *     ├── journal      one JSON record per line, each written before what it describes is done
 *     └── trash/<n>    the files and directories the change moved out of the way
 *
 * Records:
 * - `{"remove": …, "moves": [[path, n], …]}`: a distribution's files (its metadata directory
 *   included) about to be moved to `trash/<n>`; the directories this empties are removed after.
 * - `{"install": …, "moves": [[path, n], …], "dirs": [...], "paths": [...], "staging": …}`: a
 *   wheel about to be installed. `moves` are the paths already occupied (another distribution's
 *   file, a leftover), moved aside first; `dirs` the directories it creates (everything under
 *   them is its own); `paths` what it creates in directories that existed before.
 * - `{"commit": true}`: the change is complete; only the trash is left to delete.
 *
 * Rolling back undoes the records newest first: what an install created goes (its `paths`, its
 * `dirs` whole, its staging directory), and every `trash/<n>` that exists goes back to its path.
 * A move that had not happened yet left the original in place and no `trash/<n>`; a path in
 * `paths` that exists was created by the change (every path occupied before is in `moves`).
 * With the lock held throughout, nothing else changes the environment meanwhile.
 *
 * Cost: one record per distribution (not per file: a wheel's files under directories it
 * creates are covered by those directories), a `rename(2)` per removed file instead of an
 * `unlink(2)`, and one `stat(2)` per directory a wheel writes into that it does not create
 * under a directory of its own. The journal is not synced
 * to disk: it protects against a killed process, not against a power loss.
 */

const DIRECTORY = ".puffin-transaction";
const JOURNAL = "journal";
const TRASH = "trash";

type MoveList = [path: string, trash: number][];

type JournalRecord =
  | { readonly begin: { readonly pid: number; readonly started: string } }
  | { readonly remove: string; readonly moves: MoveList }
  | {
      readonly install: string;
      readonly moves: MoveList;
      readonly dirs: readonly string[];
      readonly paths: readonly string[];
      readonly staging: string;
    }
  | { readonly commit: true };

/** What a wheel's install will create: files (and directories) and the directories they need. */
export interface Placement {
  /** For messages and the journal: the `.dist-info` directory it ends as. */
  readonly distInfo: string;
  /** Every file to create, and the `.dist-info` directory itself (created by renaming `staging`). */
  readonly targets: readonly string[];
  /** Every directory the targets need, parents before children. */
  readonly directories: readonly string[];
  /** Where the `.dist-info` directory is assembled before it is renamed into place. */
  readonly staging: string;
}

/** The directory of an environment's transaction. */
export function transactionPath(layout: InstallLayout): string {
  return join(layout.prefix, DIRECTORY);
}

/** An open change of one environment; the caller holds the environment's lock. */
export class EnvironmentTransaction {
  readonly #root: string;
  readonly #journal: string;
  readonly #trash: string;
  #nextTrash = 0;
  readonly #records: JournalRecord[] = [];
  /** Directories known to exist (created or seen), so each is checked once. */
  readonly #knownDirs = new Set<string>();

  private constructor(root: string) {
    this.#root = root;
    this.#journal = join(root, JOURNAL);
    this.#trash = join(root, TRASH);
  }

  /**
   * Starts a change of the environment of `layout`. An interrupted one must have been recovered
   * first (`recoverEnvironment`): one that is still there is an error.
   */
  static begin(layout: InstallLayout): EnvironmentTransaction {
    const root = transactionPath(layout);
    try {
      mkdirSync(root);
      mkdirSync(join(root, TRASH));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") {
        throw new PuffinError(
          "transaction-pending",
          `An interrupted change of ${layout.prefix} is still pending (${root})`,
          { hint: "Run the command again: it rolls the interrupted change back first" },
        );
      }
      throw environmentFault(error, root);
    }
    const transaction = new EnvironmentTransaction(root);
    transaction.#append({
      begin: { pid: process.pid, started: new Date().toISOString() },
    });
    return transaction;
  }

  /**
   * Removes a distribution's `paths` (files, and its metadata directory) by moving them to the
   * trash, recorded first; then removes the directories that leaves empty (`emptied`).
   */
  remove(dist: string, paths: readonly string[], emptied: () => void): void {
    const moves: MoveList = paths.map((path) => [path, this.#nextTrash++]);
    this.#append({ remove: dist, moves });
    for (const [path, trash] of moves) this.#moveAside(path, trash);
    emptied();
  }

  /**
   * Makes room for a wheel: records the placement, moves every path it will create that is
   * occupied out of the way, and creates its directories. Afterwards every target is free: the
   * caller creates them (files by link or write, the `.dist-info` by renaming `staging`).
   * Throws `install-conflict` when two targets are one path, or a target is one of the
   * directories.
   */
  place(placement: Placement): void {
    const seen = new Set<string>(placement.directories);
    for (const target of placement.targets) {
      // Twice a target, or a file where the install also needs a directory.
      if (seen.has(target)) {
        throw new PuffinError("install-conflict", `Two files of one install map to ${target}`, {
          hint: "The wheel is malformed: a script, entry point or data file collides with another",
        });
      }
      seen.add(target);
    }
    const dirs: string[] = [];
    const moves: MoveList = [];
    const existing = new Set<string>();
    const creating = new Set<string>();
    for (const dir of new Set(placement.directories)) {
      if (this.#knownDirs.has(dir)) {
        existing.add(dir);
        continue;
      }
      if (creating.has(dirname(dir))) {
        // Inside a directory this install creates (parents come first): nothing is there yet.
        creating.add(dir);
        dirs.push(dir);
        continue;
      }
      const stats = statSync(dir, { throwIfNoEntry: false });
      if (stats?.isDirectory()) {
        existing.add(dir);
        this.#knownDirs.add(dir);
      } else {
        // A file where a directory must be is another distribution's, or the user's: the
        // install fails there (EEXIST, as `mkdir` says it) rather than replace it.
        if (lstatSync(dir, { throwIfNoEntry: false }) !== undefined) mkdirSync(dir);
        creating.add(dir);
        dirs.push(dir);
      }
    }
    const paths: string[] = [];
    for (const target of placement.targets) {
      if (!existing.has(dirname(target))) continue; // inside a directory this install creates
      paths.push(target);
      if (lstatSync(target, { throwIfNoEntry: false }) !== undefined) {
        moves.push([target, this.#nextTrash++]);
      }
    }
    this.#append({
      install: placement.distInfo,
      moves,
      dirs,
      paths,
      staging: placement.staging,
    });
    for (const [path, trash] of moves) this.#moveAside(path, trash);
    for (const dir of dirs) {
      mkdirSync(dir);
      this.#knownDirs.add(dir);
    }
  }

  /** Keeps the change: records it complete, then deletes the trash and the journal. */
  async commit(): Promise<void> {
    this.#append({ commit: true });
    await removeTree(this.#root);
  }

  /** Undoes the change (see the module comment) and removes the journal. */
  async rollback(): Promise<void> {
    await rollBack(this.#root, this.#records);
  }

  #moveAside(path: string, trash: number): void {
    const to = join(this.#trash, String(trash));
    try {
      renameSync(path, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return;
      // The path is what the user knows, not the trash it was going to.
      if (code !== "EXDEV")
        throw fsError(error, { operation: "remove", path, area: "environment" });
      // Another file system (a scripts directory mounted elsewhere): copy, then delete. The copy
      // is complete before it takes its trash name, so a trash entry is always whole.
      copyFileSync(path, `${to}.partial`);
      renameSync(`${to}.partial`, to);
      unlinkSync(path);
    }
  }

  #append(record: JournalRecord): void {
    this.#records.push(record);
    appendFileSync(this.#journal, `${JSON.stringify(record)}\n`);
  }
}

/**
 * Rolls back an interrupted change of the environment of `layout`, if one was left (a killed
 * process, a machine that stopped): the environment is then exactly as before that change.
 * A change that had committed is finished instead (its trash deleted). Also removes staging
 * directories that older runs left in the site directories. The caller holds the lock.
 */
export async function recoverEnvironment(layout: InstallLayout): Promise<void> {
  const root = transactionPath(layout);
  let text: string;
  try {
    text = readFileSync(join(root, JOURNAL), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") throw environmentFault(error, root);
    if (existsSync(root)) await removeTree(root); // killed before its first record
    await sweepStaging(layout);
    return;
  }
  const records: JournalRecord[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch {
      // The last line of a process killed while writing it: its action never started.
      break;
    }
  }
  if (records.some((record) => "commit" in record)) {
    log.debug(`Finishing a committed change of ${layout.prefix}`);
    await removeTree(root);
  } else {
    log.warn(`Rolling back an interrupted change of ${layout.prefix}`);
    await rollBack(root, records);
  }
  await sweepStaging(layout);
}

async function rollBack(root: string, records: readonly JournalRecord[]): Promise<void> {
  const trash = join(root, TRASH);
  const restore = (moves: MoveList) => {
    for (const [path, n] of [...moves].reverse()) {
      const from = join(trash, String(n));
      if (lstatSync(from, { throwIfNoEntry: false }) === undefined) continue;
      rmSync(path, { recursive: true, force: true });
      mkdirSync(dirname(path), { recursive: true });
      renameSync(from, path);
    }
  };
  for (const record of [...records].reverse()) {
    if ("install" in record) {
      for (const path of record.paths) {
        // A path that was occupied and not moved yet holds the original: leave it.
        const moved = record.moves.find(([p]) => p === path);
        if (moved !== undefined && !existsSync(join(trash, String(moved[1])))) continue;
        rmSync(path, { recursive: true, force: true });
      }
      for (const dir of [...record.dirs].reverse()) rmSync(dir, { recursive: true, force: true });
      rmSync(record.staging, { recursive: true, force: true });
      restore(record.moves);
    } else if ("remove" in record) {
      restore(record.moves);
    }
  }
  await removeTree(root);
}

/**
 * Staging directories (`.puffin-tmp-<pid>-…`) in the site directories whose process is gone:
 * what runs of older versions, which kept no journal, could leave behind.
 */
async function sweepStaging(layout: InstallLayout): Promise<void> {
  for (const dir of new Set([layout.scheme.purelib, layout.scheme.platlib])) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const owner = tempNameOwner(name);
      if (owner !== undefined && !isProcessAlive(owner)) await removeTree(join(dir, name));
    }
  }
}

function environmentFault(error: unknown, path: string): unknown {
  return describeSystemError(error, { area: "environment", path }) ?? error;
}
