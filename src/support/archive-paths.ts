import { posix } from "node:path";

/** Names that `posix.normalize` would change, other than by a trailing `/`. */
const NEEDS_NORMALIZING = /\/\/|(^|\/)\.\.?(\/|$)/;

/** What a member of an archive makes at its path. */
export type ArchivePathKind = "file" | "directory";

/**
 * The paths an archive's members extract to, claimed member by member, so that two members that
 * would land on one path are refused by name instead of failing with a raw `EEXIST`/`ENOTDIR`
 * halfway, or of one silently replacing the other: a file and a directory of one name (`a`
 * then `a/`, `a` then `a/b`, `a/b` then `a`), or a file named twice (links count as files).
 * A directory may be named any number of times. Names are compared normalized, as they are
 * joined to the destination: `./a`, `a//b` and `a/` are `a`, `a/b` and `a`. Names must already
 * be safe (relative, no `..`).
 */
export class ArchivePaths {
  readonly #kinds = new Map<string, ArchivePathKind>();
  /** The last parent directory found clear: members of one directory come together. */
  #lastParent = "";

  /** Claims `name` for a member of `kind`; returns why it collides, or `undefined`. */
  claim(name: string, kind: ArchivePathKind): string | undefined {
    let path = NEEDS_NORMALIZING.test(name) ? posix.normalize(name) : name;
    while (path.endsWith("/")) path = path.slice(0, -1);
    if (path === "." || path === "") {
      return kind === "directory" ? undefined : "names the root of the archive";
    }
    const slash = path.lastIndexOf("/");
    const parent = slash < 0 ? "" : path.slice(0, slash);
    if (parent !== "" && parent !== this.#lastParent) {
      const problem = this.#claimParents(parent);
      if (problem !== undefined) return problem;
      this.#lastParent = parent;
    }
    const held = this.#kinds.get(path);
    if (held === undefined) {
      this.#kinds.set(path, kind);
      return undefined;
    }
    if (kind === "directory") {
      return held === "directory"
        ? undefined
        : `is a directory, but the archive also holds ${JSON.stringify(path)} as a file`;
    }
    return held === "directory"
      ? `is a file, but the archive also holds ${JSON.stringify(path)} as a directory`
      : `is a file, but the archive holds ${JSON.stringify(path)} more than once`;
  }

  /** Claims `parent` and each directory above it as directories. */
  #claimParents(parent: string): string | undefined {
    let end = -1;
    do {
      end = parent.indexOf("/", end + 1);
      const prefix = end < 0 ? parent : parent.slice(0, end);
      const held = this.#kinds.get(prefix);
      if (held === "file") {
        return `is inside ${JSON.stringify(prefix)}, which the archive also holds as a file`;
      }
      if (held === undefined) this.#kinds.set(prefix, "directory");
    } while (end >= 0);
    return undefined;
  }
}
