import { PuffinError } from "../support/index.ts";

/**
 * PEP 440 versions: parsing (every spelling the spec allows), normalization and ordering.
 * https://packaging.python.org/en/latest/specifications/version-specifiers/
 *
 * The resolver compares versions millions of times, so most versions also carry a *packed key*:
 * two float64 numbers (`hi`, `lo`, 53 bits each) computed at parse time whose lexicographic
 * order is the PEP 440 order. Versions that do not fit (an epoch, more than four release
 * segments, large numbers, a local segment) get `hi = -1` and compare with the full algorithm.
 *
 * Numbers larger than `Number.MAX_SAFE_INTEGER` are kept exactly (as `bigint`) for ordering and
 * printing; the public `number` fields then hold the nearest double. Python's own limit applies:
 * a number of more than 4300 digits is rejected, as `packaging` does.
 */

export type PreKind = "a" | "b" | "rc";
export type PreRelease = { readonly kind: PreKind; readonly number: number };

/** A number that may exceed the double range of exact integers. */
type Num = number | bigint;

/** The exact parts of a version, numbers possibly `bigint`; the input of `Version.fromParts`. */
export type VersionParts = {
  readonly epoch?: Num;
  readonly release: readonly Num[];
  readonly pre?: { readonly kind: PreKind; readonly number: Num } | undefined;
  readonly post?: Num | undefined;
  readonly dev?: Num | undefined;
  readonly local?: readonly (string | Num)[];
};

/** What the full comparison reads: the exact parts, with a possibly infinite post number. */
export type ExactParts = {
  readonly epoch: Num;
  readonly release: readonly Num[];
  readonly pre: { readonly kind: PreKind; readonly number: Num } | undefined;
  readonly post: Num | undefined;
  readonly dev: Num | undefined;
  readonly local: readonly (string | Num)[];
};

const MAX_DIGITS = 4300; // CPython's int() limit, which `packaging` inherits
const NO_LOCAL: readonly (string | number)[] = Object.freeze([]);

// Packed key layout (see the class comment). hi: r0 (25 bits, room for YYYYMMDD) r1 (14) r2 (14).
// lo: r3 (12) preKind (3) preNumber (10) postField (12) devField (16).
const R0_LIMIT = 2 ** 25;
const R12_LIMIT = 2 ** 14;
const R3_LIMIT = 2 ** 12;
const PRE_LIMIT = 2 ** 10;
const POST_NONE = 0; // postField = post + 1 for real posts
const POST_INFINITE = 2 ** 12 - 1; // the "after every post-release" sentinel of version ranges
const DEV_NONE = 2 ** 16 - 1; // devField = dev for real dev numbers
const KIND_DEV_ONLY = 0; // `1.0.dev1` sorts before every pre-release of 1.0
const KIND_FINAL = 4;
const PRE_KIND_RANK: Readonly<Record<PreKind, number>> = { a: 1, b: 2, rc: 3 };

export class Version {
  readonly epoch: number;
  readonly release: readonly number[];
  readonly pre: PreRelease | undefined;
  readonly post: number | undefined;
  readonly dev: number | undefined;
  readonly local: readonly (string | number)[];
  /** Packed key, or `hi = -1` when the version needs the full comparison. */
  private readonly hi: number;
  private readonly lo: number;
  /** The exact parts when some number is a `bigint` or the post number is infinite. */
  private readonly exact: ExactParts | undefined;
  private normalized: string | undefined;

  private constructor(parts: ExactParts, needsExact: boolean) {
    this.epoch = Number(parts.epoch);
    this.release = needsExact ? parts.release.map(Number) : (parts.release as number[]);
    this.pre =
      parts.pre === undefined
        ? undefined
        : needsExact
          ? { kind: parts.pre.kind, number: Number(parts.pre.number) }
          : (parts.pre as PreRelease);
    this.post = parts.post === undefined ? undefined : Number(parts.post);
    this.dev = parts.dev === undefined ? undefined : Number(parts.dev);
    this.local =
      parts.local.length === 0
        ? NO_LOCAL
        : needsExact
          ? parts.local.map((s) => (typeof s === "bigint" ? Number(s) : s))
          : (parts.local as (string | number)[]);
    this.exact = needsExact ? parts : undefined;
    this.normalized = undefined;
    const packed = needsExact ? -1 : packHi(this);
    this.hi = packed;
    this.lo = packed < 0 ? 0 : packLo(this);
  }

  /** The smallest version there is: `0.dev0`. */
  static readonly MIN: Version = Version.create({
    epoch: 0,
    release: [0],
    pre: undefined,
    post: undefined,
    dev: 0,
    local: NO_LOCAL,
  });

  /** Parses any PEP 440 spelling; throws a `PuffinError` with code `invalid-version`. */
  static parse(s: string): Version {
    const version = parseVersion(s);
    if (version === undefined) {
      throw new PuffinError(
        "invalid-version",
        `Not a valid PEP 440 version: ${JSON.stringify(s)}`,
        {
          hint: "Versions look like `1.2.3`, `2!1.0rc1`, `1.0.post2.dev3` or `1.0+local.1`",
        },
      );
    }
    return version;
  }

  /** Like `parse`, but returns `undefined` for a string that is not a PEP 440 version. */
  static tryParse(s: string): Version | undefined {
    return parseVersion(s);
  }

  /**
   * Builds a version from its parts. Numbers must be non-negative integers; local string
   * segments must be non-empty ASCII alphanumerics (they are lowercased).
   */
  static fromParts(parts: VersionParts): Version {
    const check = (n: Num | undefined): void => {
      if (n === undefined) return;
      if (typeof n === "number" ? !Number.isSafeInteger(n) || n < 0 : n < 0n) {
        throw new PuffinError("invalid-version", `Not a valid version number: ${String(n)}`);
      }
    };
    check(parts.epoch);
    if (parts.release.length === 0) {
      throw new PuffinError("invalid-version", "A version needs at least one release number");
    }
    for (const n of parts.release) check(n);
    check(parts.pre?.number);
    check(parts.post);
    check(parts.dev);
    const local = (parts.local ?? NO_LOCAL).map((segment) => {
      if (typeof segment !== "string") {
        check(segment);
        return segment;
      }
      if (!/^[A-Za-z0-9]+$/.test(segment)) {
        throw new PuffinError(
          "invalid-version",
          `Not a valid local version segment: ${JSON.stringify(segment)}`,
        );
      }
      return /^[0-9]+$/.test(segment) ? numberFromDigits(segment) : segment.toLowerCase();
    });
    return Version.create({
      epoch: parts.epoch ?? 0,
      release: [...parts.release],
      pre: parts.pre === undefined ? undefined : { kind: parts.pre.kind, number: parts.pre.number },
      post: parts.post,
      dev: parts.dev,
      local,
    });
  }

  /** Trusted construction from already-validated exact parts (used by the parser and ranges). */
  static create(parts: ExactParts): Version {
    return new Version(parts, partsNeedExact(parts));
  }

  /** The exact parts, for code in this module that derives neighbouring versions. */
  parts(): ExactParts {
    return this.exact ?? this;
  }

  /** Has a pre-release or a dev-release segment (PEP 440 calls both pre-releases). */
  isPrerelease(): boolean {
    return this.pre !== undefined || this.dev !== undefined;
  }

  isPostrelease(): boolean {
    return this.post !== undefined;
  }

  isDevrelease(): boolean {
    return this.dev !== undefined;
  }

  isLocal(): boolean {
    return this.local.length > 0;
  }

  /** Negative, zero or positive as `this` sorts before, with or after `other` in PEP 440 order. */
  compare(other: Version): number {
    if (this.hi >= 0 && other.hi >= 0) {
      if (this.hi !== other.hi) return this.hi < other.hi ? -1 : 1;
      if (this.lo !== other.lo) return this.lo < other.lo ? -1 : 1;
      return 0;
    }
    return compareExact(this.exact ?? this, other.exact ?? other);
  }

  /** PEP 440 equality: `1.0 == 1.0.0`, and the local segment counts. */
  equals(other: Version): boolean {
    return this.compare(other) === 0;
  }

  /** The public version: this version without its local segment. */
  withoutLocal(): Version {
    if (this.local.length === 0) return this;
    return Version.create({ ...this.parts(), local: NO_LOCAL });
  }

  /** The normalized form (`1.0-ALPHA_1` → `1.0a1`), cached. */
  toString(): string {
    this.normalized ??= formatParts(this.exact ?? this);
    return this.normalized;
  }
}

/** `a.compare(b)`, as a free function for `Array.prototype.sort`. */
export function compareVersions(a: Version, b: Version): number {
  return a.compare(b);
}

/** The version after every post-release of `v` (which is a final release): a range sentinel. */
export function afterPostReleases(v: Version): Version {
  return Version.create({ ...v.parts(), post: Number.POSITIVE_INFINITY, dev: undefined });
}

/** True for the sentinel made by `afterPostReleases`, which is not a real version. */
export function isAfterPostReleases(v: Version): boolean {
  return v.post === Number.POSITIVE_INFINITY;
}

function partsNeedExact(parts: ExactParts): boolean {
  if (typeof parts.epoch === "bigint" || typeof parts.dev === "bigint") return true;
  if (typeof parts.post === "bigint" || parts.post === Number.POSITIVE_INFINITY) return true;
  if (parts.pre !== undefined && typeof parts.pre.number === "bigint") return true;
  for (const n of parts.release) if (typeof n === "bigint") return true;
  for (const s of parts.local) if (typeof s === "bigint") return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Packed keys

function packHi(v: Version): number {
  if (v.epoch !== 0 || v.local.length > 0) return -1;
  const release = v.release;
  let length = release.length;
  while (length > 1 && release[length - 1] === 0) length--;
  if (length > 4) return -1;
  const r0 = release[0]!;
  const r1 = length > 1 ? release[1]! : 0;
  const r2 = length > 2 ? release[2]! : 0;
  const r3 = length > 3 ? release[3]! : 0;
  if (r0 >= R0_LIMIT || r1 >= R12_LIMIT || r2 >= R12_LIMIT || r3 >= R3_LIMIT) return -1;
  if (v.pre !== undefined && v.pre.number >= PRE_LIMIT) return -1;
  if (v.post !== undefined && v.post + 1 >= POST_INFINITE) return -1;
  if (v.dev !== undefined && v.dev >= DEV_NONE) return -1;
  return r0 * 2 ** 28 + r1 * 2 ** 14 + r2;
}

/** Only called when `packHi` succeeded, so every field fits. */
function packLo(v: Version): number {
  const release = v.release;
  let length = release.length;
  while (length > 1 && release[length - 1] === 0) length--;
  const r3 = length > 3 ? release[3]! : 0;
  const kind = preKindRank(v.pre, v.post, v.dev);
  const preNumber = v.pre === undefined ? 0 : v.pre.number;
  const post = v.post === undefined ? POST_NONE : v.post + 1;
  const dev = v.dev === undefined ? DEV_NONE : v.dev;
  return r3 * 2 ** 41 + kind * 2 ** 38 + preNumber * 2 ** 28 + post * 2 ** 16 + dev;
}

/**
 * The rank of the pre-release part in PEP 440 order: a dev-release of a final version
 * (`1.0.dev1`, no pre, no post) sorts before every pre-release; no pre-release sorts after all.
 */
function preKindRank(
  pre: { readonly kind: PreKind } | undefined,
  post: Num | undefined,
  dev: Num | undefined,
): number {
  if (pre !== undefined) return PRE_KIND_RANK[pre.kind];
  return post === undefined && dev !== undefined ? KIND_DEV_ONLY : KIND_FINAL;
}

// ---------------------------------------------------------------------------------------------
// Full comparison (PEP 440 "summary of permitted suffixes and relative ordering")

function compareNum(a: Num, b: Num): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareExact(a: ExactParts, b: ExactParts): number {
  let c = compareNum(a.epoch, b.epoch);
  if (c !== 0) return c;
  c = compareRelease(a.release, b.release);
  if (c !== 0) return c;
  c = preKindRank(a.pre, a.post, a.dev) - preKindRank(b.pre, b.post, b.dev);
  if (c !== 0) return c;
  if (a.pre !== undefined && b.pre !== undefined) {
    c = compareNum(a.pre.number, b.pre.number);
    if (c !== 0) return c;
  }
  // No post-release sorts before any post-release.
  c = compareNum(a.post ?? -1, b.post ?? -1);
  if (c !== 0) return c;
  // No dev-release sorts after any dev-release.
  c = compareNum(a.dev ?? Number.POSITIVE_INFINITY, b.dev ?? Number.POSITIVE_INFINITY);
  if (c !== 0) return c;
  return compareLocal(a.local, b.local);
}

/** Release segments compare as if the shorter were padded with zeros. */
function compareRelease(a: readonly Num[], b: readonly Num[]): number {
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const c = compareNum(a[i] ?? 0, b[i] ?? 0);
    if (c !== 0) return c;
  }
  return 0;
}

/**
 * No local segment sorts first; segments compare one by one, numbers numerically, strings
 * lexically, a number after any string; a longer label after its own prefix.
 */
function compareLocal(a: readonly (string | Num)[], b: readonly (string | Num)[]): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    const xString = typeof x === "string";
    const yString = typeof y === "string";
    if (xString !== yString) return xString ? -1 : 1;
    const c = xString ? (x < y ? -1 : x > y ? 1 : 0) : compareNum(x, y as Num);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

function formatParts(v: ExactParts): string {
  let s = v.epoch === 0 ? "" : `${v.epoch}!`;
  s += v.release.join(".");
  if (v.pre !== undefined) s += `${v.pre.kind}${v.pre.number}`;
  if (v.post !== undefined) s += `.post${v.post === Number.POSITIVE_INFINITY ? "*" : v.post}`;
  if (v.dev !== undefined) s += `.dev${v.dev}`;
  if (v.local.length > 0) s += `+${v.local.join(".")}`;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Parsing. A hand-written scanner equivalent to `packaging`'s VERSION_PATTERN (with its
// possessive quantifiers, case-insensitive, surrounded by optional whitespace).

/** Whitespace as Python's `str.isspace` (and so `\s` in `packaging`'s regex) sees it. */
export function isPythonSpace(c: number): boolean {
  return (
    (c >= 9 && c <= 13) ||
    (c >= 28 && c <= 32) ||
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `.`, `_` or `-`: the separators PEP 440 normalization drops. */
function isSeparator(c: number): boolean {
  return c === 46 || c === 95 || c === 45;
}

function isAlphanumeric(c: number): boolean {
  return isDigit(c) || ((c | 0x20) >= 97 && (c | 0x20) <= 122);
}

/** The value of a run of ASCII digits, exact; `undefined` beyond Python's digit limit. */
function numberFromDigits(digits: string): Num {
  if (digits.length <= 15) return Number(digits);
  const big = BigInt(digits);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** Case-insensitive match of the lowercase ASCII word `word` at `i`. */
function matchesWord(s: string, i: number, word: string): boolean {
  if (i + word.length > s.length) return false;
  for (let k = 0; k < word.length; k++) {
    if ((s.charCodeAt(i + k) | 0x20) !== word.charCodeAt(k)) return false;
  }
  return true;
}

// The parser's cursor. Parsing is synchronous, so one module-level position is safe, and it
// spares an allocation per version (the resolver parses every version of every index page).
let pos = 0;

/** The character code at `pos + offset`, or -1 past `end`. */
function codeAt(s: string, end: number, offset: number): number {
  const j = pos + offset;
  return j < end ? s.charCodeAt(j) : -1;
}

/** Reads a run of digits at `pos` (the caller checked there is one); `NaN` if too long. */
function readDigits(s: string, end: number): Num {
  const start = pos;
  let value = 0;
  let c = s.charCodeAt(pos);
  while (c >= 48 && c <= 57) {
    value = value * 10 + (c - 48);
    if (++pos >= end) break;
    c = s.charCodeAt(pos);
  }
  const length = pos - start;
  if (length <= 15) return value;
  if (length > MAX_DIGITS) return Number.NaN;
  return numberFromDigits(s.slice(start, pos));
}

/** Skips one separator if there is one at `pos`. */
function skipSeparator(s: string, end: number): void {
  if (pos < end && isSeparator(s.charCodeAt(pos))) pos++;
}

/** Reads an optional number after a label: absent means 0. */
function readOptionalNumber(s: string, end: number): Num {
  return isDigit(codeAt(s, end, 0)) ? readDigits(s, end) : 0;
}

/** The kind of the label `preLabel` matched last. */
let labelKind: PreKind = "a";

/** Length of a pre-release label at `i` (its kind goes to `labelKind`), or 0. */
function preLabel(s: string, i: number): number {
  switch (s.charCodeAt(i) | 0x20) {
    case 97: // a, alpha
      labelKind = "a";
      return matchesWord(s, i, "alpha") ? 5 : 1;
    case 98: // b, beta
      labelKind = "b";
      return matchesWord(s, i, "beta") ? 4 : 1;
    case 99: // c
      labelKind = "rc";
      return 1;
    case 112: // preview, pre
      labelKind = "rc";
      if (matchesWord(s, i, "preview")) return 7;
      return matchesWord(s, i, "pre") ? 3 : 0;
    case 114: // rc (a lone r is a post-release)
      labelKind = "rc";
      return (s.charCodeAt(i + 1) | 0x20) === 99 ? 2 : 0;
    default:
      return 0;
  }
}

/** Length of a post-release label (post, rev, r) at `i`, or 0. */
function postLabel(s: string, i: number): number {
  const c = s.charCodeAt(i) | 0x20;
  if (c === 112) return matchesWord(s, i, "post") ? 4 : 0;
  if (c === 114) return matchesWord(s, i, "rev") ? 3 : 1;
  return 0;
}

function parseVersion(s: string): Version | undefined {
  let start = 0;
  let end = s.length;
  while (start < end && isPythonSpace(s.charCodeAt(start))) start++;
  while (end > start && isPythonSpace(s.charCodeAt(end - 1))) end--;
  pos = start;
  if ((codeAt(s, end, 0) | 0x20) === 118 /* v */) pos++;
  if (!isDigit(codeAt(s, end, 0))) return undefined;

  let epoch: Num = 0;
  let first = readDigits(s, end);
  if (codeAt(s, end, 0) === 33 /* ! */) {
    pos++;
    if (!isDigit(codeAt(s, end, 0))) return undefined;
    epoch = first;
    first = readDigits(s, end);
  }
  const release: Num[] = [first];
  let invalid = Number.isNaN(epoch) || Number.isNaN(first);
  while (codeAt(s, end, 0) === 46 /* . */ && isDigit(codeAt(s, end, 1))) {
    pos++;
    const n = readDigits(s, end);
    invalid ||= Number.isNaN(n);
    release.push(n);
  }

  // Pre-release: [._-]? (alpha|a|beta|b|preview|pre|c|rc) [._-]? N?
  let pre: { kind: PreKind; number: Num } | undefined;
  {
    const save = pos;
    skipSeparator(s, end);
    const length = pos < end ? preLabel(s, pos) : 0;
    if (length === 0) {
      pos = save;
    } else {
      pos += length;
      skipSeparator(s, end);
      pre = { kind: labelKind, number: readOptionalNumber(s, end) };
      invalid ||= Number.isNaN(pre.number);
    }
  }

  // Post-release: -N, or [._-]? (post|rev|r) [._-]? N?
  let post: Num | undefined;
  if (codeAt(s, end, 0) === 45 /* - */ && isDigit(codeAt(s, end, 1))) {
    pos++;
    post = readDigits(s, end);
  } else {
    const save = pos;
    skipSeparator(s, end);
    const length = pos < end ? postLabel(s, pos) : 0;
    if (length === 0) {
      pos = save;
    } else {
      pos += length;
      skipSeparator(s, end);
      post = readOptionalNumber(s, end);
    }
  }
  invalid ||= post !== undefined && Number.isNaN(post);

  // Dev-release: [._-]? dev [._-]? N?
  let dev: Num | undefined;
  {
    const save = pos;
    skipSeparator(s, end);
    if (pos < end && matchesWord(s, pos, "dev")) {
      pos += 3;
      skipSeparator(s, end);
      dev = readOptionalNumber(s, end);
      invalid ||= Number.isNaN(dev);
    } else {
      pos = save;
    }
  }

  // Local: + [a-z0-9]+ ([._-] [a-z0-9]+)*
  let local: (string | Num)[] = NO_LOCAL as (string | number)[];
  if (codeAt(s, end, 0) === 43 /* + */) {
    pos++;
    local = [];
    for (;;) {
      const segmentStart = pos;
      let allDigits = true;
      while (pos < end && isAlphanumeric(s.charCodeAt(pos))) {
        allDigits &&= isDigit(s.charCodeAt(pos));
        pos++;
      }
      if (pos === segmentStart) return undefined;
      const segment = s.slice(segmentStart, pos);
      if (allDigits) {
        if (segment.length > MAX_DIGITS) return undefined;
        local.push(numberFromDigits(segment));
      } else {
        local.push(segment.toLowerCase());
      }
      if (pos < end && isSeparator(s.charCodeAt(pos))) pos++;
      else break;
    }
  }

  if (pos !== end || invalid) return undefined;
  return Version.create({ epoch, release, pre, post, dev, local });
}
