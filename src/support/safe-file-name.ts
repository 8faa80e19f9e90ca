import { PuffinError } from "./error.ts";

/**
 * The one rule for names that come from outside (an index page's link, a PEP 691 `filename`, the
 * last segment of a URL, what a build backend returns, a script name in `entry_points.txt`)
 * before they become part of a path: a name is one plain directory entry, never a path.
 *
 * Checked on the decoded text (`%2F` is a `/` by then): not empty, not `.` or `..`, no `/` or `\`
 * (a separator on POSIX or Windows), no NUL or other control character (a name with a newline
 * breaks `RECORD` and every log line), not drive-qualified (`C:x`), and at most 255 bytes of
 * UTF-8 (`NAME_MAX` of every common filesystem), so that no file system call can fail on it
 * half-way through an install.
 */

/** The longest name, in bytes of UTF-8, a file system entry can have (`NAME_MAX`). */
export const MAX_FILE_NAME_BYTES = 255;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Why `name` is not one safe file name, or `undefined` when it is. */
export function unsafeFileNameReason(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name === "." || name === "..") return `it is \`${name}\``;
  if (name.includes("/") || name.includes("\\")) return "it contains a path separator";
  if (CONTROL.test(name)) return "it contains a control character";
  if (/^[A-Za-z]:/.test(name)) return "it starts with a drive letter";
  if (Buffer.byteLength(name, "utf8") > MAX_FILE_NAME_BYTES) {
    return `it is longer than ${MAX_FILE_NAME_BYTES} bytes`;
  }
  return undefined;
}

/**
 * Throws `unsafe-filename` unless `name` is one safe file name. `where` says what the name is
 * the name of, for the message (`https://…/x.whl, listed by https://index/simple/pkg/`); it
 * must not hold credentials.
 */
export function checkSafeFileName(name: string, where: string): void {
  const reason = unsafeFileNameReason(name);
  if (reason === undefined) return;
  throw new PuffinError(
    "unsafe-filename",
    `Refusing the file name ${JSON.stringify(name)} of ${where}: ${reason}`,
    {
      hint: "A distribution's file name is a single name, never a path; the source may be malicious or broken",
    },
  );
}
