import { RequirementsFileError } from "./error.ts";

/**
 * Decoding a requirements file's bytes the way pip does (`req_file._decode_req_file`):
 *
 * 1. a byte-order mark selects UTF-8, UTF-32 (BE/LE) or UTF-16 (BE/LE) and is dropped;
 * 2. else a PEP 263 coding comment on one of the first two lines (`# -*- coding: latin-1 -*-`)
 *    names the encoding (https://peps.python.org/pep-0263/);
 * 3. else the file is UTF-8. pip then falls back to the locale's encoding; Puffin refuses
 *    instead and hints at the coding comment, so a file means the same thing on every machine.
 *
 * UTF-32 BOMs are tested before UTF-16 ones because `FF FE 00 00` starts with `FF FE`.
 */
const BOMS: readonly { bytes: readonly number[]; encoding: string }[] = [
  { bytes: [0xef, 0xbb, 0xbf], encoding: "utf-8" },
  { bytes: [0x00, 0x00, 0xfe, 0xff], encoding: "utf-32be" },
  { bytes: [0xff, 0xfe, 0x00, 0x00], encoding: "utf-32le" },
  { bytes: [0xfe, 0xff], encoding: "utf-16be" },
  { bytes: [0xff, 0xfe], encoding: "utf-16le" },
];

/** PEP 263's pattern, as pip applies it to a line that starts with `#`. */
const CODING_COMMENT = /coding[:=][ \t\f\v\r]*([-\w.]+)/;

/** Python codec names for ISO-8859-1; WHATWG maps these labels to windows-1252 instead. */
const LATIN_1 = new Set(["latin-1", "latin1", "iso-8859-1", "iso8859-1", "8859", "cp819", "l1"]);

/**
 * Windows-1252 for bytes 0x80–0x9F (the rest is ISO-8859-1); -1 where Python's `cp1252` has no
 * character. Decoded by hand: Node 20's `TextDecoder("windows-1252")` decodes these as latin-1.
 */
const WINDOWS_1252_HIGH = [
  0x20ac, -1, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039,
  0x0152, -1, 0x017d, -1, -1, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc,
  0x2122, 0x0161, 0x203a, 0x0153, -1, 0x017e, 0x0178,
];
const WINDOWS_1252 = new Set(["cp1252", "windows-1252", "1252"]);

/** Decodes `bytes` read from `file` (named in errors). */
export function decodeRequirementsFile(bytes: Uint8Array, file: string): string {
  for (const { bytes: bom, encoding } of BOMS) {
    if (bom.every((byte, i) => bytes[i] === byte)) {
      return decodeAs(bytes.subarray(bom.length), encoding, file);
    }
  }
  const declared = declaredEncoding(bytes);
  return decodeAs(bytes, declared ?? "utf-8", file, declared !== undefined);
}

/** The encoding a PEP 263 comment on the first or second line declares, if any. */
function declaredEncoding(bytes: Uint8Array): string | undefined {
  let start = 0;
  for (let lineIndex = 0; lineIndex < 2 && start <= bytes.length; lineIndex++) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    if (bytes[start] === 0x23 /* # */) {
      const line = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString(
        "latin1",
      );
      const match = CODING_COMMENT.exec(line);
      if (match) return match[1]!;
    }
    start = end + 1;
  }
  return undefined;
}

function decodeAs(bytes: Uint8Array, encoding: string, file: string, declared = false): string {
  const codec = encoding.toLowerCase().replaceAll("_", "-");
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (LATIN_1.has(codec)) return buffer.toString("latin1");
  if (WINDOWS_1252.has(codec)) return decodeWindows1252(bytes, file);
  if (codec === "ascii" || codec === "us-ascii") {
    const offset = bytes.findIndex((byte) => byte > 0x7f);
    if (offset !== -1) throw undecodable(file, codec, offset, bytes[offset]!);
    return buffer.toString("latin1");
  }
  const utf32 = /^utf-?32(-?(le|be))?$/.exec(codec);
  if (utf32) return decodeUtf32(bytes, utf32[2] !== "be", file);
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(codec === "utf-8-sig" ? "utf-8" : codec, { fatal: true });
  } catch {
    throw new RequirementsFileError(
      "requirements-file-encoding",
      `Unknown encoding \`${encoding}\` declared in \`${file}\``,
      { file },
    );
  }
  try {
    return decoder.decode(bytes);
  } catch (cause) {
    throw new RequirementsFileError(
      "requirements-file-encoding",
      `\`${file}\` is not valid ${declared ? encoding : "UTF-8"}`,
      {
        file,
        cause,
        hint: declared
          ? undefined
          : "Save the file as UTF-8, or declare its encoding on the first line, e.g. `# -*- coding: latin-1 -*-`",
      },
    );
  }
}

function decodeWindows1252(bytes: Uint8Array, file: string): string {
  let text = "";
  for (let offset = 0; offset < bytes.length; offset++) {
    const byte = bytes[offset]!;
    const codePoint = byte >= 0x80 && byte < 0xa0 ? WINDOWS_1252_HIGH[byte - 0x80]! : byte;
    if (codePoint === -1) throw undecodable(file, "cp1252", offset, byte);
    text += String.fromCharCode(codePoint);
  }
  return text;
}

function decodeUtf32(bytes: Uint8Array, littleEndian: boolean, file: string): string {
  if (bytes.length % 4 !== 0) {
    throw new RequirementsFileError(
      "requirements-file-encoding",
      `\`${file}\` is not valid UTF-32: its length is not a multiple of 4 bytes`,
      { file },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const codePoints: number[] = [];
  for (let offset = 0; offset < bytes.length; offset += 4) {
    const codePoint = view.getUint32(offset, littleEndian);
    if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff)) {
      throw undecodable(file, "UTF-32", offset, codePoint);
    }
    codePoints.push(codePoint);
  }
  let text = "";
  for (let i = 0; i < codePoints.length; i += 4096) {
    text += String.fromCodePoint(...codePoints.slice(i, i + 4096));
  }
  return text;
}

function undecodable(file: string, encoding: string, offset: number, value: number) {
  return new RequirementsFileError(
    "requirements-file-encoding",
    `\`${file}\` is not valid ${encoding}: 0x${value.toString(16)} at byte ${offset}`,
    { file },
  );
}
