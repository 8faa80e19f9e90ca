import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { log } from "../support/index.ts";

/**
 * A `.netrc` file: login and password per machine, plus an optional `default` entry.
 *
 * Grammar (as curl, inetutils ftp and Python's `netrc` read it): whitespace-separated tokens;
 * `machine NAME` starts an entry and `default` starts the catch-all one; inside an entry,
 * `login X`, `password X` and `account X` set fields; `macdef NAME` defines an ftp macro whose
 * body runs to the next empty line (skipped here). A token in keyword position starting with `#`
 * starts a comment to the end of the line. A value may be double-quoted, with `\` escaping the
 * next character, so passwords may hold spaces. Unknown keywords are skipped with their value.
 * https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html
 */
export interface NetrcEntry {
  readonly login: string | undefined;
  readonly password: string | undefined;
  readonly account: string | undefined;
}

export class Netrc {
  constructor(
    /** Entries by machine name; the first entry of a machine wins, as in curl and Python. */
    readonly machines: ReadonlyMap<string, NetrcEntry>,
    readonly defaultEntry: NetrcEntry | undefined,
  ) {}

  static parse(text: string): Netrc {
    return parseNetrc(text);
  }

  /** The entry for `host` (a hostname, without port; case-insensitive), else `default`. */
  lookup(host: string): NetrcEntry | undefined {
    return this.machines.get(host.toLowerCase()) ?? this.defaultEntry;
  }
}

/** Where the netrc file is: `NETRC` when set, else `~/.netrc`. */
export function netrcPath(env: NodeJS.ProcessEnv): string {
  const fromEnv = env["NETRC"];
  if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
  return join(env["HOME"] || homedir(), ".netrc");
}

/**
 * Reads and parses the netrc file at `path`; `undefined` when there is none. An unreadable file
 * is ignored with a warning (as pip and uv do): credentials are an optional convenience.
 */
export async function loadNetrc(path: string): Promise<Netrc | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT" && code !== "ENOTDIR") {
      log.warn(`Ignoring netrc file ${path}: ${(error as Error).message}`);
    }
    return undefined;
  }
  return parseNetrc(text);
}

interface Token {
  text: string;
  /** Whether the token was quoted (a quoted `#…` or `macdef` is a value, never a keyword). */
  quoted: boolean;
}

class NetrcLexer {
  #at = 0;
  constructor(readonly text: string) {}

  /** The next token, or `undefined` at the end. `keyword`: a leading `#` starts a comment. */
  next(keyword: boolean): Token | undefined {
    const text = this.text;
    for (;;) {
      while (this.#at < text.length && isSpace(text.charCodeAt(this.#at))) this.#at++;
      if (this.#at >= text.length) return undefined;
      if (keyword && text[this.#at] === "#") {
        const end = text.indexOf("\n", this.#at);
        this.#at = end < 0 ? text.length : end + 1;
        continue;
      }
      break;
    }
    if (text[this.#at] === '"') {
      let value = "";
      this.#at++;
      while (this.#at < text.length && text[this.#at] !== '"') {
        if (text[this.#at] === "\\" && this.#at + 1 < text.length) this.#at++;
        value += text[this.#at];
        this.#at++;
      }
      this.#at++; // the closing quote (or the end)
      return { text: value, quoted: true };
    }
    const start = this.#at;
    while (this.#at < text.length && !isSpace(text.charCodeAt(this.#at))) this.#at++;
    return { text: text.slice(start, this.#at), quoted: false };
  }

  /** Skips a `macdef` body: everything up to and including the next empty line. */
  skipMacro(): void {
    const text = this.text;
    const lineEnd = text.indexOf("\n", this.#at);
    if (lineEnd < 0) {
      this.#at = text.length;
      return;
    }
    const blank = /\n[ \t\r]*(?:\n|$)/g;
    blank.lastIndex = lineEnd;
    const match = blank.exec(text);
    this.#at = match === null ? text.length : match.index + match[0].length;
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
}

interface EntryDraft {
  target: string | null;
  login?: string;
  password?: string;
  account?: string;
}

export function parseNetrc(text: string): Netrc {
  const lexer = new NetrcLexer(text);
  const machines = new Map<string, NetrcEntry>();
  let defaultEntry: NetrcEntry | undefined;
  /** The entry being read and where it goes: a machine name, or `null` for `default`. */
  let current: EntryDraft | undefined;

  const finish = () => {
    if (current === undefined) return;
    const { target, login, password, account } = current;
    const entry: NetrcEntry = { login, password, account };
    if (target === null) defaultEntry ??= entry;
    else if (!machines.has(target)) machines.set(target, entry);
    current = undefined;
  };

  for (;;) {
    const token = lexer.next(true);
    if (token === undefined) break;
    const keyword = token.quoted ? "" : token.text;
    switch (keyword) {
      case "machine": {
        finish();
        const name = lexer.next(false);
        if (name === undefined) break;
        current = { target: name.text.toLowerCase() };
        break;
      }
      case "default":
        finish();
        current = { target: null };
        break;
      case "login":
      case "password":
      case "account": {
        const value = lexer.next(false);
        if (value !== undefined && current !== undefined) current[keyword] = value.text;
        break;
      }
      case "macdef":
        finish();
        lexer.next(false); // the macro's name
        lexer.skipMacro();
        break;
      default:
      // An unknown token (`port 21`, stray text) is skipped alone, so it never swallows a
      // following `machine`; Python rejects the file instead, curl skips it too.
    }
  }
  finish();
  return new Netrc(machines, defaultEntry);
}
