// The machines' offline index, as `pip config list` names it: two PEP 503 trees (each a `simple/`
// whose pages link `../../files/X`, and the `files/` beside it) and a find-links directory. The
// benchmark reaches it through `file://` URLs, or through a loopback HTTP server (Python's
// `http.server` over the directory holding both trees, speaking HTTP/1.1), because pip reads
// `file://` wheels in place and only HTTP shows what a cold cache costs it.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { basename, dirname } from "node:path";
import { pathToFileURL } from "node:url";
import { OFFLINE_INDEXES } from "../test/support/offline-index.ts";

const FIND_LINKS = "/opt/wheels";

/** Index locations in pip's order: the first is consulted first. */
export interface IndexUrls {
  readonly indexes: readonly string[];
  readonly findLinks: string;
}

/** The offline index as `file://` URLs, or why it cannot be used. */
export function offlineIndex(): IndexUrls | string {
  const missing = [...OFFLINE_INDEXES, FIND_LINKS].filter((path) => !existsSync(path));
  if (missing.length > 0) return `the offline index is absent here (${missing.join(", ")})`;
  return {
    indexes: OFFLINE_INDEXES.map((root) => pathToFileURL(root).href),
    findLinks: FIND_LINKS,
  };
}

/**
 * Puffin's flags for these locations. Puffin consults the `--extra-index-url`s (in order) before
 * the `--index-url` (uv's order), so the last index becomes the `--index-url`; with the
 * first-index rule this gives pip's pins.
 */
export function puffinIndexFlags(urls: IndexUrls): string[] {
  const extras = urls.indexes.slice(0, -1);
  return [
    ...extras.flatMap((url) => ["--extra-index-url", url]),
    "--index-url",
    urls.indexes.at(-1)!,
    "--find-links",
    urls.findLinks,
  ];
}

/** pip's flags for these locations (`--index-url` first, then the extras, in order). */
export function pipIndexFlags(urls: IndexUrls): string[] {
  const [first, ...rest] = urls.indexes;
  return [
    "--index-url",
    first!,
    ...rest.flatMap((url) => ["--extra-index-url", url]),
    "--find-links",
    urls.findLinks,
  ];
}

/**
 * Python's `http.server` (threaded, quiet) speaking HTTP/1.1 with keep-alive, as real indexes do;
 * its default HTTP/1.0, one connection per request, is not what any tool meets in practice.
 * Its listen backlog is raised from `socketserver`'s 5 to 128 (nginx's default is 511): with 5,
 * a client opening more connections at once than that has its extra SYNs dropped, and the
 * kernel retries them only after a second, so every parallel client paid a fixed ~1 s.
 */
const SERVER = `
import functools, http.server, sys
class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 128
handler = functools.partial(Handler, directory=sys.argv[1])
server = Server(("127.0.0.1", 0), handler)
print("serving on port %d " % server.server_address[1])
server.serve_forever()
`;

/** A loopback `http.server` serving the directory that holds the index trees. */
export interface IndexServer {
  readonly urls: IndexUrls;
  close(): void;
}

/**
 * Serves the offline index over HTTP on a free loopback port. The find-links directory stays a
 * local path (it only matters to the `ml` set). Every index tree must share one parent directory.
 */
export async function startIndexServer(python: string, local: IndexUrls): Promise<IndexServer> {
  const roots = OFFLINE_INDEXES.map((simple) => dirname(simple));
  const parent = dirname(roots[0]!);
  if (roots.some((root) => dirname(root) !== parent)) {
    throw new Error(`the index trees ${roots.join(", ")} do not share a parent directory`);
  }
  const server: ChildProcess = spawn(python, ["-u", "-c", SERVER, parent], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let output = "";
    server.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = / port (\d+) /.exec(output);
      if (match !== null) resolve(Number(match[1]));
    });
    server.once("exit", (code) => reject(new Error(`http.server exited (${code}): ${output}`)));
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    urls: {
      indexes: roots.map((root) => `${base}/${basename(root)}/simple/`),
      findLinks: local.findLinks,
    },
    close: () => server.kill(),
  };
}
