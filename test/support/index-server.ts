// A loopback package index for tests: serves wheels and sdists (in memory or from a directory)
// as a PEP 503 HTML / PEP 691 JSON simple index, PEP 658 `.metadata` files, and a flat
// find-links page, with HTTP caching headers, Range requests, Basic auth, injected faults, and a
// log of every request.
//
//   const server = await IndexServer.start({ files: [buildWheel({ name: "a", version: "1" })] });
//   server.indexUrl   // http://127.0.0.1:PORT/simple/ (https:// with the `tls` option)
//   server.requests   // [{ method, path, headers, status }]
//   await server.close();
//
// Layout: `/simple/` (project list), `/simple/<normalized-name>/` (project page; other
// spellings redirect there), `/files/<filename>` (the file), `/files/<filename>.metadata`
// (PEP 658), `/links/` (flat find-links page). Every response carries `ETag` (a hash of the body)
// and `Last-Modified` (the server's start), and answers `If-None-Match` / `If-Modified-Since`
// with 304. Pages send `Cache-Control: max-age=<maxAge>` and `Vary: Accept`; files are immutable
// and honour `Range` guarded by `If-Range` (a validator that no longer matches gets the whole
// file, 200).
//
// Faults (`Fault`) break requests on purpose, each on matching paths and `times` times:
//   status        an error status (with `Retry-After`)     reset         drop the connection at once
//   slow          answer after a delay                     ignore-range  answer 200 to a Range
//   reset-mid-body  headers and part of the body, then a TCP reset
//   truncate      declare Content-Length, send part of the body, end the connection
//   stall         headers and part of the body, then nothing (until the client gives up)
//   garbage       a page answered 200 with bytes that are neither HTML nor JSON
//   redirect-loop a 302 to the very same URL
// The body faults (reset-mid-body, truncate, stall) apply to the next response with a body
// (200 or 206) on a matching path, sending `bytes` of it (default half) first.
// https://peps.python.org/pep-0503/ https://peps.python.org/pep-0691/ https://peps.python.org/pep-0658/
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { DistFilename } from "../../src/filenames/index.ts";
import { PackageName } from "../../src/normalize/index.ts";
import { BufferZipSource, readWheelMetadataSync } from "../../src/zip/index.ts";

/** One file on the index. `buildWheel` / `buildSdist` results fit (extra fields are ignored). */
export interface IndexFile {
  readonly filename: string;
  readonly bytes: Uint8Array;
  readonly requiresPython?: string;
  /** `true`, or the reason (PEP 592). */
  readonly yanked?: boolean | string;
  /** ISO 8601, for PEP 700's `upload-time`. */
  readonly uploadTime?: string;
  /** Advertise this SHA-256 instead of the real one (for hash-mismatch tests). */
  readonly advertisedSha256?: string;
  /** Offer PEP 658 metadata for this wheel; defaults to the server's `coreMetadata`. */
  readonly coreMetadata?: boolean;
  /** Serve these bytes as the `.metadata` file while advertising the real METADATA's hash. */
  readonly tamperedMetadata?: Uint8Array;
}

/** What a fault applies to: requests whose path matches (all when absent), `times` times. */
export type Fault = { readonly path?: string | RegExp; readonly times?: number } & (
  | { readonly kind: "status"; readonly status: number; readonly retryAfter?: number }
  | { readonly kind: "reset" }
  | { readonly kind: "slow"; readonly delayMs: number }
  | { readonly kind: "ignore-range" }
  | BodyFault
  | { readonly kind: "garbage" }
  | { readonly kind: "redirect-loop" }
  /** Answers 200 with this body and `Content-Type` (a page that is not what it should be). */
  | { readonly kind: "body"; readonly contentType: string; readonly body: string }
);

/** A fault that breaks a body off after `bytes` of it (default: half). */
export type BodyFault = {
  readonly kind: "reset-mid-body" | "truncate" | "stall";
  readonly bytes?: number;
};

/** The bytes a `garbage` fault serves: binary noise, neither HTML nor JSON. */
export const GARBAGE = new Uint8Array([0x00, 0xff, 0x7b, 0x9c, 0x3c, 0x00, 0x1f, 0x8b, 0xde, 0xad]);

export interface IndexServerOptions {
  /** Files served from memory. */
  readonly files?: readonly IndexFile[];
  /** A directory whose wheels and sdists are served too (re-read on every request). */
  readonly directory?: string;
  /** Attributes for files of `directory`, by filename. */
  readonly annotations?: Record<string, Omit<IndexFile, "filename" | "bytes">>;
  /** The simple-API formats offered; default both. */
  readonly formats?: readonly ("html" | "json")[];
  /** Offer PEP 658 `.metadata` files for wheels (default true). */
  readonly coreMetadata?: boolean;
  /** `Cache-Control: max-age` of index pages, in seconds (default 600). */
  readonly maxAge?: number;
  /** Require HTTP Basic auth with these credentials on every path. */
  readonly auth?: { readonly username: string; readonly password: string };
  readonly faults?: readonly Fault[];
  /** Serve HTTPS with this key and certificate (see `test-ca.ts`) instead of plain HTTP. */
  readonly tls?: { readonly key: Buffer; readonly cert: Buffer };
}

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /**
   * The response status; `"reset"` for a dropped connection, or the body fault that broke the
   * response off (`"reset-mid-body"`, `"truncate"`, `"stall"`); 0 while in progress.
   */
  status: number | "reset" | BodyFault["kind"];
}

interface ServedFile extends IndexFile {
  readonly project: PackageName;
  readonly version: string;
  readonly sha256: string;
  /** METADATA bytes for wheels that offer PEP 658 metadata. */
  readonly metadata: Uint8Array | undefined;
}

type Format = "html" | "json";
const JSON_TYPE = "application/vnd.pypi.simple.v1+json";
const HTML_TYPE = "application/vnd.pypi.simple.v1+html";
const FILE_CACHE_CONTROL = "public, max-age=31536000, immutable";

const sha256 = (bytes: Uint8Array | string) => createHash("sha256").update(bytes).digest("hex");

function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** The quality the `Accept` header gives each media type in `types` (0 when absent). */
function acceptQuality(accept: string, types: readonly string[]): number {
  let best = 0;
  for (const part of accept.split(",")) {
    const [type, ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    if (type === undefined) continue;
    const q = params.find((p) => p.startsWith("q="));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    const matches =
      types.includes(type) ||
      type === "*/*" ||
      (type.endsWith("/*") && types.some((t) => t.startsWith(type.slice(0, -1))));
    if (matches && Number.isFinite(quality)) best = Math.max(best, quality);
  }
  return best;
}

/**
 * A loopback package index for tests. Its URLs are unique only while it is open: the port of a
 * closed server may be handed to the next one, so tests that share one Puffin cache across
 * several servers keep them all open until the cache is no longer used (else a fresh cached page
 * of the old server answers for the new one).
 */
export class IndexServer {
  readonly url: string;
  readonly requests: RecordedRequest[] = [];
  readonly #server: Server;
  readonly #options: IndexServerOptions;
  readonly #memory = new Map<string, IndexFile>();
  readonly #faults: FaultEntry[] = [];
  /** Per request: its record, and the body and garbage faults that match its path. */
  readonly #pending = new WeakMap<
    IncomingMessage,
    { record: RecordedRequest; body: FaultEntry[]; garbage: FaultEntry[] }
  >();
  readonly #lastModified = new Date(Math.floor(Date.now() / 1000) * 1000).toUTCString();
  readonly #served = new WeakMap<Uint8Array, ServedFile>();
  readonly #fromDisk = new Map<string, { mtimeMs: number; size: number; bytes: Uint8Array }>();

  private constructor(server: Server, url: string, options: IndexServerOptions) {
    this.#server = server;
    this.url = url;
    this.#options = options;
    for (const file of options.files ?? []) this.addFile(file);
    for (const fault of options.faults ?? []) this.addFault(fault);
  }

  static async start(options: IndexServerOptions = {}): Promise<IndexServer> {
    let instance: IndexServer | undefined;
    const handler = (request: IncomingMessage, response: ServerResponse) => {
      instance!.#handle(request, response).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
    };
    const server =
      options.tls === undefined ? createServer(handler) : createHttpsServer(options.tls, handler);
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const scheme = options.tls === undefined ? "http" : "https";
    instance = new IndexServer(server, `${scheme}://127.0.0.1:${port}`, options);
    return instance;
  }

  /** The simple index: `http://127.0.0.1:PORT/simple/`. */
  get indexUrl(): string {
    return `${this.url}/simple/`;
  }

  /** The flat find-links page. */
  get findLinksUrl(): string {
    return `${this.url}/links/`;
  }

  /** The URL of a file. */
  fileUrl(filename: string): string {
    return `${this.url}/files/${encodeURIComponent(filename)}`;
  }

  /** Adds or replaces a file (by filename). */
  addFile(file: IndexFile): void {
    this.#memory.set(file.filename, file);
  }

  removeFile(filename: string): void {
    this.#memory.delete(filename);
  }

  addFault(fault: Fault): void {
    this.#faults.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clearFaults(): void {
    this.#faults.length = 0;
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** Stops listening and drops open connections. */
  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.#server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const record: RecordedRequest = {
      method: request.method ?? "GET",
      path: request.url ?? "/",
      headers: request.headers,
      status: 0,
    };
    this.requests.push(record);
    response.on("finish", () => {
      record.status = response.statusCode;
    });
    const path = new URL(record.path, this.url).pathname;

    let honourRange = true;
    const pending = { record, body: [] as FaultEntry[], garbage: [] as FaultEntry[] };
    this.#pending.set(request, pending);
    for (const entry of this.#faults) {
      const { fault } = entry;
      const matches =
        fault.path === undefined ||
        (typeof fault.path === "string" ? path === fault.path : fault.path.test(path));
      if (!matches || entry.remaining <= 0) continue;
      // Body and garbage faults are used up by the response they break, not by the request.
      if (isBodyFault(fault)) {
        pending.body.push(entry);
        continue;
      }
      if (fault.kind === "garbage") {
        pending.garbage.push(entry);
        continue;
      }
      entry.remaining--;
      if (fault.kind === "slow") {
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      } else if (fault.kind === "ignore-range") {
        honourRange = false;
      } else if (fault.kind === "reset") {
        record.status = "reset";
        request.socket.resetAndDestroy();
        return;
      } else if (fault.kind === "redirect-loop") {
        response.setHeader("Location", record.path);
        this.#send(request, response, 302, "text/plain", "found\n", {});
        return;
      } else if (fault.kind === "body") {
        this.#send(request, response, 200, fault.contentType, fault.body, {});
        return;
      } else {
        if (fault.retryAfter !== undefined)
          response.setHeader("Retry-After", String(fault.retryAfter));
        this.#send(request, response, fault.status, "text/plain", `injected ${fault.status}\n`, {});
        return;
      }
    }

    const auth = this.#options.auth;
    if (auth !== undefined) {
      const expected =
        "Basic " + Buffer.from(`${auth.username}:${auth.password}`).toString("base64");
      if (request.headers.authorization !== expected) {
        response.setHeader("WWW-Authenticate", 'Basic realm="puffin-test"');
        this.#send(request, response, 401, "text/plain", "authentication required\n", {});
        return;
      }
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      this.#send(request, response, 405, "text/plain", "method not allowed\n", {});
      return;
    }
    this.#route(request, response, path, honourRange);
  }

  #route(
    request: IncomingMessage,
    response: ServerResponse,
    path: string,
    honourRange: boolean,
  ): void {
    const files = this.#files();
    if (path === "/simple/") {
      const projects = [...new Set([...files.values()].map((f) => f.project))].sort();
      this.#page(request, response, this.#rootPage(projects));
      return;
    }
    const project = path.match(/^\/simple\/([^/]+)(\/?)$/);
    if (project !== null) {
      const raw = decodeURIComponent(project[1]!);
      const name = PackageName.fromValid(raw);
      if (name !== raw || project[2] !== "/") {
        response.setHeader("Location", `/simple/${name}/`);
        this.#send(request, response, 301, "text/plain", "moved\n", {});
        return;
      }
      const own = [...files.values()].filter((f) => f.project === name);
      if (own.length === 0) {
        this.#send(request, response, 404, "text/plain", `no project ${name}\n`, {});
        return;
      }
      this.#page(request, response, this.#projectPage(name, own));
      return;
    }
    if (path === "/links/") {
      const links = [...files.values()].map((f) => this.#anchor(f, "../files/"));
      this.#send(request, response, 200, "text/html; charset=utf-8", htmlDocument("Links", links), {
        "Cache-Control": `max-age=${this.#options.maxAge ?? 600}`,
      });
      return;
    }
    const fileMatch = path.match(/^\/files\/([^/]+)$/);
    if (fileMatch !== null) {
      const requested = decodeURIComponent(fileMatch[1]!);
      const file = files.get(requested);
      if (file !== undefined) {
        this.#file(request, response, file.bytes, honourRange);
        return;
      }
      const metadataOf = requested.endsWith(".metadata")
        ? files.get(requested.slice(0, -9))
        : undefined;
      if (metadataOf?.metadata !== undefined) {
        this.#file(
          request,
          response,
          metadataOf.tamperedMetadata ?? metadataOf.metadata,
          honourRange,
        );
        return;
      }
    }
    this.#send(request, response, 404, "text/plain", `not found: ${path}\n`, {});
  }

  /** Every file, with what the pages say about it. */
  #files(): Map<string, ServedFile> {
    const all = new Map<string, IndexFile>();
    const directory = this.#options.directory;
    if (directory !== undefined) {
      for (const filename of readdirSync(directory).sort()) {
        const path = join(directory, filename);
        const stat = statSync(path);
        if (!stat.isFile()) continue;
        let cached = this.#fromDisk.get(path);
        if (cached === undefined || cached.mtimeMs !== stat.mtimeMs || cached.size !== stat.size) {
          cached = { mtimeMs: stat.mtimeMs, size: stat.size, bytes: readFileSync(path) };
          this.#fromDisk.set(path, cached);
        }
        all.set(filename, {
          ...this.#options.annotations?.[filename],
          filename,
          bytes: cached.bytes,
        });
      }
    }
    for (const [filename, file] of this.#memory) all.set(filename, file);
    const served = new Map<string, ServedFile>();
    for (const file of all.values()) {
      const entry = this.#describe(file);
      if (entry !== undefined) served.set(file.filename, entry);
    }
    return served;
  }

  #describe(file: IndexFile): ServedFile | undefined {
    const known = this.#served.get(file.bytes);
    // The file may be a `buildWheel()` result carrying its own `metadata`: what the server offers
    // is decided once, in `known`, and must not be overridden by it.
    if (known !== undefined && known.filename === file.filename) {
      return { ...known, ...file, metadata: known.metadata };
    }
    let parsed: DistFilename;
    try {
      parsed = DistFilename.parse(file.filename);
    } catch {
      return undefined;
    }
    if (parsed.kind === "legacy") return undefined;
    const offerMetadata =
      parsed.kind === "wheel" && (file.coreMetadata ?? this.#options.coreMetadata ?? true);
    const metadata = offerMetadata
      ? readWheelMetadataSync(new BufferZipSource(file.bytes, file.filename)).metadata
      : undefined;
    const described: ServedFile = {
      ...file,
      project: parsed.filename.name,
      version: parsed.filename.version.toString(),
      sha256: sha256(file.bytes),
      metadata,
    };
    this.#served.set(file.bytes, described);
    return described;
  }

  #anchor(file: ServedFile, prefix: string): string {
    const attributes = [
      `href="${prefix}${encodeURIComponent(file.filename)}#sha256=${file.advertisedSha256 ?? file.sha256}"`,
    ];
    if (file.requiresPython !== undefined) {
      attributes.push(`data-requires-python="${escapeHtml(file.requiresPython)}"`);
    }
    if (file.yanked !== undefined && file.yanked !== false) {
      attributes.push(`data-yanked="${file.yanked === true ? "" : escapeHtml(file.yanked)}"`);
    }
    if (file.metadata !== undefined) {
      const hash = `sha256=${sha256(file.metadata)}`;
      attributes.push(`data-dist-info-metadata="${hash}"`, `data-core-metadata="${hash}"`);
    }
    return `<a ${attributes.join(" ")}>${escapeHtml(file.filename)}</a><br />`;
  }

  #rootPage(projects: readonly string[]): Record<Format, string> {
    return {
      html: htmlDocument(
        "Simple index",
        projects.map((p) => `<a href="${encodeURIComponent(p)}/">${escapeHtml(p)}</a><br />`),
      ),
      json: JSON.stringify({
        meta: { "api-version": "1.1" },
        projects: projects.map((name) => ({ name })),
      }),
    };
  }

  #projectPage(name: string, files: readonly ServedFile[]): Record<Format, string> {
    const json = {
      meta: { "api-version": "1.1" },
      name,
      versions: [...new Set(files.map((f) => f.version))],
      files: files.map((file) => {
        const hash = file.metadata === undefined ? undefined : { sha256: sha256(file.metadata) };
        return {
          filename: file.filename,
          url: `../../files/${encodeURIComponent(file.filename)}`,
          hashes: { sha256: file.advertisedSha256 ?? file.sha256 },
          ...(file.requiresPython === undefined ? {} : { "requires-python": file.requiresPython }),
          ...(hash === undefined ? {} : { "core-metadata": hash, "dist-info-metadata": hash }),
          ...(file.yanked === undefined ? {} : { yanked: file.yanked }),
          size: file.bytes.length,
          ...(file.uploadTime === undefined ? {} : { "upload-time": file.uploadTime }),
        };
      }),
    };
    return {
      html: htmlDocument(
        `Links for ${name}`,
        files.map((f) => this.#anchor(f, "../../files/")),
      ),
      json: JSON.stringify(json),
    };
  }

  /** An index page in the format the `Accept` header prefers among those offered (PEP 691). */
  #page(request: IncomingMessage, response: ServerResponse, page: Record<Format, string>): void {
    const formats = this.#options.formats ?? ["html", "json"];
    const accept = request.headers.accept ?? "text/html";
    const quality = (format: Format) =>
      formats.includes(format)
        ? acceptQuality(
            accept,
            format === "json"
              ? [JSON_TYPE, "application/vnd.pypi.simple.latest+json"]
              : [HTML_TYPE, "application/vnd.pypi.simple.latest+html", "text/html"],
          )
        : 0;
    const json = quality("json");
    const html = quality("html");
    const headers = { "Cache-Control": `max-age=${this.#options.maxAge ?? 600}`, Vary: "Accept" };
    const garbage = take(this.#pending.get(request)?.garbage ?? []) !== undefined;
    if (json === 0 && html === 0) {
      this.#send(request, response, 406, "text/plain", "no acceptable format\n", headers);
    } else if (json > html) {
      this.#send(request, response, 200, JSON_TYPE, garbage ? GARBAGE : page.json, headers);
    } else {
      // The PEP 691 HTML type only when the client names it; `text/html` otherwise (as PyPI).
      const type = /application\/vnd\.pypi\.simple\.(?:v1|latest)\+html/i.test(accept)
        ? HTML_TYPE
        : "text/html; charset=utf-8";
      this.#send(request, response, 200, type, garbage ? GARBAGE : page.html, headers);
    }
  }

  /** A file, honouring a single `Range` (RFC 9110 §14) unless told to ignore it. */
  #file(
    request: IncomingMessage,
    response: ServerResponse,
    bytes: Uint8Array,
    honourRange: boolean,
  ): void {
    const headers = { "Cache-Control": FILE_CACHE_CONTROL, "Accept-Ranges": "bytes" };
    const type = "application/octet-stream";
    const range = request.headers.range;
    // RFC 9110 §13.1.5: a Range whose `If-Range` validator no longer matches gets the whole file.
    const ifRange = request.headers["if-range"];
    const current =
      ifRange === undefined || ifRange === etagOf(bytes) || ifRange === this.#lastModified;
    const single =
      honourRange && current && range !== undefined ? range.match(/^bytes=(\d*)-(\d*)$/) : null;
    if (single === null || (single[1] === "" && single[2] === "")) {
      this.#send(request, response, 200, type, bytes, headers);
      return;
    }
    const size = bytes.length;
    let start: number;
    let end: number;
    if (single[1] === "") {
      const suffix = Number(single[2]);
      start = Math.max(0, size - suffix);
      end = size - 1;
      if (suffix === 0) start = size;
    } else {
      start = Number(single[1]);
      end = single[2] === "" ? size - 1 : Math.min(Number(single[2]), size - 1);
    }
    if (start >= size || start > end) {
      this.#send(request, response, 416, "text/plain", "range not satisfiable\n", {
        ...headers,
        "Content-Range": `bytes */${size}`,
      });
      return;
    }
    this.#send(
      request,
      response,
      206,
      type,
      bytes.subarray(start, end + 1),
      { ...headers, "Content-Range": `bytes ${start}-${end}/${size}` },
      bytes,
    );
  }

  /** Sends a response with validators; answers a matching conditional request with 304. */
  #send(
    request: IncomingMessage,
    response: ServerResponse,
    status: number,
    contentType: string,
    body: Uint8Array | string,
    headers: Record<string, string>,
    /** The whole representation (for a 206, the file rather than the part sent). */
    entity: Uint8Array | string = body,
  ): void {
    for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
    if (status === 200 || status === 206) {
      const etag = etagOf(entity);
      response.setHeader("ETag", etag);
      response.setHeader("Last-Modified", this.#lastModified);
      const ifNoneMatch = request.headers["if-none-match"];
      const ifModifiedSince = request.headers["if-modified-since"];
      const notModified =
        ifNoneMatch !== undefined
          ? ifNoneMatch
              .split(",")
              .some((tag) => tag.trim().replace(/^W\//, "") === etag || tag.trim() === "*")
          : ifModifiedSince !== undefined &&
            Date.parse(ifModifiedSince) >= Date.parse(this.#lastModified);
      if (notModified) {
        response.statusCode = 304;
        response.end();
        return;
      }
    }
    response.statusCode = status;
    response.setHeader("Content-Type", contentType);
    response.setHeader("Content-Length", String(Buffer.byteLength(body)));
    const pending = this.#pending.get(request);
    const breaks =
      (status === 200 || status === 206) && request.method === "GET" && Buffer.byteLength(body) > 0;
    const fault = breaks && pending !== undefined ? take(pending.body) : undefined;
    if (fault !== undefined && pending !== undefined && isBodyFault(fault)) {
      this.#breakBody(request, response, Buffer.from(body), fault, pending.record);
      return;
    }
    response.end(request.method === "HEAD" ? undefined : body);
  }

  /** Sends the headers and the start of `body`, then breaks the response off as `fault` says. */
  #breakBody(
    request: IncomingMessage,
    response: ServerResponse,
    body: Buffer,
    fault: BodyFault,
    record: RecordedRequest,
  ): void {
    record.status = fault.kind;
    const part = body.subarray(
      0,
      Math.min(fault.bytes ?? Math.floor(body.length / 2), body.length),
    );
    const socket = request.socket;
    response.flushHeaders();
    response.write(part, () => {
      if (fault.kind === "truncate") {
        socket.end();
      } else if (fault.kind === "reset-mid-body") {
        // A moment after the part left, so the client reads it before the reset arrives.
        setTimeout(() => {
          if (!socket.destroyed) socket.resetAndDestroy();
        }, 20);
      }
      // "stall": nothing more, until the client gives up or the server closes.
    });
  }
}

interface FaultEntry {
  readonly fault: Fault;
  remaining: number;
}

function isBodyFault(fault: Fault): fault is Fault & BodyFault {
  return fault.kind === "reset-mid-body" || fault.kind === "truncate" || fault.kind === "stall";
}

/** Uses up one application of the first entry with some left; its fault, or `undefined`. */
function take(entries: readonly FaultEntry[]): Fault | undefined {
  const entry = entries.find((candidate) => candidate.remaining > 0);
  if (entry === undefined) return undefined;
  entry.remaining--;
  return entry.fault;
}

/** The strong `ETag` of a representation. */
function etagOf(entity: Uint8Array | string): string {
  return `"${sha256(entity).slice(0, 32)}"`;
}

function htmlDocument(title: string, lines: readonly string[]): string {
  return [
    "<!DOCTYPE html>",
    "<html>",
    "  <head>",
    '    <meta name="pypi:repository-version" content="1.1">',
    `    <title>${escapeHtml(title)}</title>`,
    "  </head>",
    "  <body>",
    `    <h1>${escapeHtml(title)}</h1>`,
    ...lines.map((line) => `    ${line}`),
    "  </body>",
    "</html>",
    "",
  ].join("\n");
}
