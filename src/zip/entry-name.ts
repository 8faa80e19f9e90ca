/**
 * Entry names: decoding and the safety rules every name must pass.
 *
 * APPNOTE 4.4.4: general purpose flag bit 11 means the name is UTF-8; without it the name is
 * IBM code page 437. Python's `zipfile` (and so pip) decodes exactly this way; bytes 0–127 are
 * ASCII in both, which is what nearly every wheel holds.
 * https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT
 */

/** Code page 437, bytes 0x80–0xFF, as Python's `cp437` codec maps them. */
const CP437_HIGH =
  "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Decodes a raw entry name; `undefined` when a name flagged UTF-8 is not valid UTF-8 (Python
 * raises then too).
 */
export function decodeEntryName(bytes: Uint8Array, utf8Flag: boolean): string | undefined {
  let ascii = true;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i]! >= 0x80) {
      ascii = false;
      break;
    }
  }
  // Latin-1 equals ASCII below 0x80, and Buffer's latin1 slice is the cheapest decoder Node
  // has (several times faster than a TextDecoder call on short names).
  if (ascii) return Buffer.prototype.latin1Slice.call(bytes, 0, bytes.length);
  if (utf8Flag) {
    try {
      return utf8.decode(bytes);
    } catch {
      return undefined;
    }
  }
  let text = "";
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    text += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80]!;
  }
  return text;
}

/**
 * Why `name` may not be extracted anywhere, or `undefined` when it is safe: a relative path of
 * `/`-separated segments, none of them `..`, with no NUL and no backslash (a Windows separator
 * that a POSIX reader would treat as part of a name, and that is how archives smuggle `..\`),
 * not absolute (`/x`) and not drive-qualified (`C:x`).
 */
export function unsafeNameReason(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.includes("\0")) return "it contains a NUL character";
  if (name.includes("\\")) return "it contains a backslash";
  if (name.startsWith("/")) return "it is an absolute path";
  if (name.charCodeAt(1) === 58 /* : */ && /^[A-Za-z]/.test(name)) {
    return "it starts with a drive letter";
  }
  if (name === ".." || name.startsWith("../") || name.endsWith("/..") || name.includes("/../")) {
    return "it has a `..` component";
  }
  return undefined;
}
