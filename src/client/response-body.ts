import { formatSize } from "../support/index.ts";
import { errorCodes, isTimeoutError } from "./retry.ts";

/**
 * What can go wrong with a response body after its headers arrived, in the words the user reads
 * (`describeBodyProblem`) and with the error code it is reported under (`bodyProblemCode`):
 * - `stalled`: no data for the timeout (`http-timeout`);
 * - `reset`: the connection was reset (`http-connection`);
 * - `truncated`: the connection ended before the length the headers announced (`Content-Length`,
 *   or the part a `Content-Range` names) (`http-truncated`);
 * - `closed`: the connection failed some other way, or ended early with no length announced
 *   (`http-connection`).
 * Byte counts are of the whole file: a resumed download counts what earlier tries wrote.
 */
export type BodyProblem =
  | { readonly kind: "stalled"; readonly idleMs: number }
  | { readonly kind: "reset"; readonly received: number; readonly total: number | undefined }
  | { readonly kind: "truncated"; readonly received: number; readonly total: number }
  | {
      readonly kind: "closed";
      readonly received: number;
      readonly total: number | undefined;
      readonly reason: string;
    };

export type BodyProblemCode = "http-timeout" | "http-connection" | "http-truncated";

/** Classifies an error thrown while reading a body, `received` bytes of `total` in. */
export function bodyProblem(
  error: unknown,
  options: { received: number; total: number | undefined; idleMs: number; reason: string },
): BodyProblem {
  const { received, total } = options;
  if (isTimeoutError(error)) return { kind: "stalled", idleMs: options.idleMs };
  if (errorCodes(error).includes("ECONNRESET")) return { kind: "reset", received, total };
  if (total !== undefined && received < total) return { kind: "truncated", received, total };
  return { kind: "closed", received, total, reason: options.reason };
}

export function bodyProblemCode(problem: BodyProblem): BodyProblemCode {
  switch (problem.kind) {
    case "stalled":
      return "http-timeout";
    case "truncated":
      return "http-truncated";
    case "reset":
    case "closed":
      return "http-connection";
  }
}

/** `body stalled: no data for 30s`, `connection reset after 1.2 MiB of 3.4 MiB`, … */
export function describeBodyProblem(problem: BodyProblem): string {
  switch (problem.kind) {
    case "stalled":
      return `body stalled: no data for ${problem.idleMs / 1000}s`;
    case "reset":
      return `connection reset after ${progress(problem.received, problem.total)}`;
    case "truncated":
      return `truncated: got ${problem.received} of ${problem.total} bytes`;
    case "closed":
      return `connection closed after ${progress(problem.received, problem.total)}: ${problem.reason}`;
  }
}

/** `1.2 MiB of 3.4 MiB`, `808 of 862 bytes`, `808 bytes`. */
function progress(received: number, total: number | undefined): string {
  if (total === undefined) return formatSize(received);
  if (total < 1024) return `${received} of ${formatSize(total)}`;
  return `${formatSize(received)} of ${formatSize(total)}`;
}

const CONTENT_RANGE = /^bytes (\d+)-(\d+)\/(\d+)$/;

/** A `Content-Range` of a `206` (RFC 9110 §14.4), or `undefined` when absent or unreadable. */
export function parseContentRange(
  header: string | undefined,
): { start: number; end: number; size: number } | undefined {
  const match = header === undefined ? null : CONTENT_RANGE.exec(header.trim());
  if (match === null) return undefined;
  return { start: Number(match[1]), end: Number(match[2]), size: Number(match[3]) };
}

/**
 * The length a response's body must have, when its headers say: `Content-Length`, else the part
 * a `206`'s `Content-Range` names; `undefined` when neither does (a chunked body ends when it
 * says it ends). Statuses without a body have none to check.
 * (Puffin sends no `Accept-Encoding`, and undici does not decode, so the length is of the bytes
 * read either way.)
 */
export function announcedLength(
  status: number,
  headers: Readonly<Record<string, string>>,
): number | undefined {
  if (status === 204 || status === 304 || status < 200) return undefined;
  const length = headers["content-length"]?.trim();
  if (length !== undefined && /^\d+$/.test(length)) return Number(length);
  if (status === 206) {
    const range = parseContentRange(headers["content-range"]);
    if (range !== undefined && range.end >= range.start) return range.end - range.start + 1;
  }
  return undefined;
}
