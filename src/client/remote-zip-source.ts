import { PuffinError, redactCredentials } from "../support/index.ts";
import { BufferZipSource, planTailRead, ZIP_TAIL_SIZE, type ZipSource } from "../zip/index.ts";
import type { HttpClient } from "./http-client.ts";
import type { HttpResponse } from "./http-response.ts";

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;

/**
 * Opens a remote archive for the zip reader with HTTP range requests, so reading one entry of a
 * wheel (its METADATA) costs kilobytes instead of the whole file:
 *
 * 1. `Range: bytes=-N` (a suffix range, `N` = `ZIP_TAIL_SIZE`) fetches the tail and, from
 *    `Content-Range`, the archive's size — no `HEAD` request needed. The zip reader's first read
 *    (`planTailRead`) is exactly that tail, so it is served from memory.
 * 2. The central directory, only if it does not fit in the tail.
 * 3. The entry itself (often already in the tail: `.dist-info/` is written last).
 *
 * A server that ignores `Range` answers the first request with `200` and the whole archive: it
 * is read once and served from memory (`BufferZipSource`), never requested again.
 * https://www.rfc-editor.org/rfc/rfc9110#name-range-requests
 */
export async function openRemoteZip(
  http: HttpClient,
  url: string,
  tailSize: number = ZIP_TAIL_SIZE,
): Promise<ZipSource> {
  const name = redactCredentials(url);
  const response = await http.get(url, { range: { suffix: tailSize } });
  if (response.status === 200) return new BufferZipSource(await response.bytes(), name);
  const range = partRange(response, name);
  const tail = await response.bytes();
  if (range.end - range.start + 1 !== tail.length || range.end !== range.size - 1) {
    throw new PuffinError(
      "http-invalid-range",
      `${name} answered a request for its last ${tailSize} bytes with bytes ${range.start}-${range.end} of ${range.size} (${tail.length} bytes of body)`,
    );
  }
  const expected = planTailRead(range.size, tailSize);
  if (range.start !== expected.offset) {
    throw new PuffinError(
      "http-invalid-range",
      `${name} answered a request for its last ${tailSize} bytes with bytes ${range.start}-${range.end} of ${range.size}`,
    );
  }
  return new RangeZipSource(http, url, name, range.size, tail, range.start);
}

/** A remote archive of known size read with range requests, its tail already in memory. */
class RangeZipSource implements ZipSource {
  readonly name: string;
  readonly size: number;
  readonly #http: HttpClient;
  readonly #url: string;
  readonly #tail: Uint8Array;
  readonly #tailOffset: number;
  /** The whole archive, if a server stopped honouring `Range` after the first request. */
  #whole: Uint8Array | undefined;

  constructor(
    http: HttpClient,
    url: string,
    name: string,
    size: number,
    tail: Uint8Array,
    tailOffset: number,
  ) {
    this.#http = http;
    this.#url = url;
    this.name = name;
    this.size = size;
    this.#tail = tail;
    this.#tailOffset = tailOffset;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset >= this.#tailOffset) {
      const start = offset - this.#tailOffset;
      return this.#tail.subarray(start, start + length);
    }
    if (this.#whole !== undefined) return this.#whole.subarray(offset, offset + length);
    const end = offset + length - 1;
    const response = await this.#http.get(this.#url, { range: { start: offset, end } });
    if (response.status === 200) {
      this.#whole = await response.bytes();
      return this.#whole.subarray(offset, offset + length);
    }
    const range = partRange(response, this.name);
    if (range.start !== offset || range.end !== end || range.size !== this.size) {
      throw new PuffinError(
        "http-invalid-range",
        `${this.name} answered a request for bytes ${offset}-${end} of ${this.size} with bytes ${range.start}-${range.end} of ${range.size}`,
        { hint: "The file may have changed on the server while Puffin read it" },
      );
    }
    return response.bytes();
  }
}

/** The `Content-Range` of a `206` response (RFC 9110 §14.4); anything else is an error. */
function partRange(
  response: HttpResponse,
  name: string,
): { start: number; end: number; size: number } {
  const header = response.headers["content-range"];
  const match = response.status === 206 && header !== undefined ? CONTENT_RANGE.exec(header) : null;
  if (match === null) {
    throw new PuffinError(
      "http-invalid-range",
      `${name} answered a range request with HTTP ${response.status} and Content-Range ${JSON.stringify(header ?? null)}`,
    );
  }
  return { start: Number(match[1]), end: Number(match[2]), size: Number(match[3]) };
}
