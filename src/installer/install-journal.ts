import { mkdirSync, renameSync, statSync } from "node:fs";
import { rename, rmdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { makeDirectorySync, PuffinError, removeTree, tempName } from "../support/index.ts";

/**
 * What one install run changed in an environment, so that it can be undone: the files and
 * directories it created, and the existing files it moved aside to make room (kept until the
 * run commits, then deleted; put back on rollback).
 *
 * Recording is synchronous, as is the installer's hot loop: on a warm cache an install is tens
 * of thousands of cheap metadata syscalls (a `link(2)` or `mkdir(2)` takes microseconds), where
 * a promise round trip through the thread pool costs more than the call itself.
 */
export class InstallJournal {
  readonly #files: string[] = [];
  readonly #created = new Set<string>();
  readonly #dirs: string[] = [];
  readonly #backups: { original: string; backup: string }[] = [];
  readonly #known = new Set<string>();

  /** Creates `dir` and missing parents, recording those it created. */
  ensureDir(dir: string): void {
    if (this.#known.has(dir)) return;
    const first = makeDirectorySync(dir);
    if (first !== undefined) {
      const created: string[] = [];
      for (let at = dir; ; at = dirname(at)) {
        created.push(at);
        if (at === first || dirname(at) === at) break;
      }
      created.reverse();
      this.#dirs.push(...created);
      for (const path of created) this.#created.add(path);
    }
    this.#known.add(dir);
  }

  /**
   * Creates the directory `dir`, whose parent exists, unless it exists already; records it when
   * created. For a tree's directories in parent-first order: one `mkdir(2)` each.
   */
  makeDir(dir: string): void {
    if (this.#known.has(dir)) return;
    try {
      mkdirSync(dir);
      this.#dirs.push(dir);
      this.#created.add(dir);
    } catch (error) {
      // Something that is not a directory (or a link to one) is in the way: fail as `mkdir -p`.
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || !statSync(dir).isDirectory()) {
        throw error;
      }
    }
    this.#known.add(dir);
  }

  /**
   * Runs `write`, which creates `path` exclusively; if something is there already (a file of
   * another distribution, a leftover), it is moved aside first and `write` runs again. A path
   * this run created itself is an `install-conflict` (two parts of a wheel collide).
   */
  place(path: string, write: () => void): void {
    try {
      write();
    } catch (error) {
      this.#moveAside(path, error);
      write();
    }
    this.#recordFile(path);
  }

  /** After `write` failed with `error`: moves an existing `path` aside, or rethrows. */
  #moveAside(path: string, error: unknown): void {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    if (this.#created.has(path)) {
      throw new PuffinError("install-conflict", `Two files of one install map to ${path}`, {
        hint: "The wheel is malformed: a script, entry point or data file collides with another",
      });
    }
    const backup = join(dirname(path), tempName());
    renameSync(path, backup);
    this.#backups.push({ original: path, backup });
  }

  #recordFile(path: string): void {
    this.#files.push(path);
    this.#created.add(path);
  }

  /** Records a path created by a rename (a published directory). */
  recordCreated(path: string): void {
    this.#recordFile(path);
  }

  /** Every file this run created, in order. */
  get createdFiles(): readonly string[] {
    return this.#files;
  }

  /** Keeps the changes: deletes what was moved aside. */
  async commit(): Promise<void> {
    await Promise.all(this.#backups.map(({ backup }) => removeTree(backup)));
    this.#backups.length = 0;
  }

  /**
   * Undoes the run: removes what it created (newest first), puts back what it moved aside, and
   * removes the directories it created (those left empty).
   */
  async rollback(): Promise<void> {
    for (const path of [...this.#files].reverse()) await removeTree(path);
    for (const { original, backup } of [...this.#backups].reverse()) {
      await rename(backup, original);
    }
    for (const dir of [...this.#dirs].reverse()) {
      await rmdir(dir).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT" && error.code !== "ENOTEMPTY") throw error;
      });
    }
    this.#files.length = 0;
    this.#backups.length = 0;
    this.#dirs.length = 0;
    this.#created.clear();
  }
}
