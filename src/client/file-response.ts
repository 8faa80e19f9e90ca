import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { extname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PuffinError } from "../support/index.ts";
import { type ByteRange, HttpError, type HttpResponse } from "./http-response.ts";

/** A `file://` response, whose body can also be streamed from disk (for downloads). */
export interface FileResponse extends HttpResponse {
  chunks(): AsyncIterable<Uint8Array>;
}

/**
 * Serves a `file://` URL the way a web server would, so the registry client treats local
 * indexes (`file:///opt/pypi/simple/`) like remote ones: `200` with the file, `206` for a
 * satisfiable `Range` (only that part is read, so lazy metadata of a large local wheel costs
 * kilobytes), and a 404 `HttpError` for a missing file. A directory is served as its
 * `index.html`, as pip does for `file://` index pages; the response URL then names that file so
 * relative links resolve against it.
 */
export async function fileResponse(url: URL, range: ByteRange | undefined): Promise<FileResponse> {
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch (error) {
    throw new PuffinError("http-error", `Invalid file URL ${url.href}`, { cause: error });
  }
  let info = await statOrMissing(path, url);
  let responseUrl = url.href;
  if (info.isDirectory()) {
    path = join(path, "index.html");
    responseUrl = pathToFileURL(path).href;
    info = await statOrMissing(path, url);
  }
  const size = info.size;
  let start = 0;
  let end = size - 1;
  let status = 200;
  const headers: Record<string, string> = {
    "content-type": contentType(path),
    "last-modified": info.mtime.toUTCString(),
    "accept-ranges": "bytes",
  };
  if (range !== undefined) {
    if ("suffix" in range) {
      start = Math.max(0, size - range.suffix);
    } else {
      start = range.start;
      end = Math.min(range.end ?? size - 1, size - 1);
    }
    if (start >= size || start > end) {
      throw new HttpError(url.href, 416, `Range not satisfiable for ${url.href} (${size} bytes)`);
    }
    status = 206;
    headers["content-range"] = `bytes ${start}-${end}/${size}`;
  }
  const length = Math.max(0, end - start + 1);
  headers["content-length"] = String(length);
  const read = async (): Promise<Uint8Array> => {
    const handle = await open(path, "r");
    try {
      const buffer = Buffer.allocUnsafe(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  };
  return {
    url: responseUrl,
    status,
    headers,
    bytes: read,
    text: async () => new TextDecoder().decode(await read()),
    chunks: () => (length === 0 ? emptyBody() : createReadStream(path, { start, end })),
  };
}

async function* emptyBody(): AsyncIterable<Uint8Array> {}

async function statOrMissing(path: string, url: URL) {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new HttpError(url.href, 404, `File not found: ${url.href}`, { cause: error });
    }
    throw new PuffinError("http-error", `Failed to read ${url.href}`, { cause: error });
  }
}

function contentType(path: string): string {
  switch (extname(path).toLowerCase()) {
    case ".html":
    case ".htm":
      return "text/html";
    case ".json":
      return "application/json";
    default:
      return "application/octet-stream";
  }
}
