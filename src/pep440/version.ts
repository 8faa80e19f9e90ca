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

// Packed key layout (see the class comment). hi: r0 (23 bits) r1 (15) r2 (15).
// lo: r3 (12) preKind (3) preNumber (10) postField (12) devField (16).
const R0_LIMIT = 2 ** 23;
const R12_LIMIT = 2 ** 15;
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
  return r0 * 2 ** 30 + r1 * 2 ** 15 + r2;
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

/** A parse cursor over one input; `NaN` numbers mean "too many digits". */
class Scanner {
  i: number;
  constructor(
    readonly s: string,
    start: number,
    readonly end: number,
  ) {
    this.i = start;
  }

  code(offset = 0): number {
    const j = this.i + offset;
    return j < this.end ? this.s.charCodeAt(j) : -1;
  }

  /** Reads a run of digits at the cursor (the caller checked there is one). */
  digits(): Num {
    const start = this.i;
    let value = 0;
    while (this.i < this.end && isDigit(this.s.charCodeAt(this.i))) {
      value = value * 10 + (this.s.charCodeAt(this.i) - 48);
      this.i++;
    }
    const length = this.i - start;
    if (length <= 15) return value;
    if (length > MAX_DIGITS) return Number.NaN;
    return numberFromDigits(this.s.slice(start, this.i));
  }

  /** Skips one separator if there is one at the cursor. */
  separator(): void {
    if (this.i < this.end && isSeparator(this.s.charCodeAt(this.i))) this.i++;
  }

  /** Reads an optional number after a label: absent means 0. */
  optionalNumber(): Num {
    return isDigit(this.code()) ? this.digits() : 0;
  }
}

/** Length of a pre-release label at `i` and its kind, or 0. */
function preLabel(s: string, i: number): [number, PreKind] | undefined {
  switch (s.charCodeAt(i) | 0x20) {
    case 97: // a, alpha
      return [matchesWord(s, i, "alpha") ? 5 : 1, "a"];
    case 98: // b, beta
      return [matchesWord(s, i, "beta") ? 4 : 1, "b"];
    case 99: // c
      return [1, "rc"];
    case 112: // preview, pre
      if (matchesWord(s, i, "preview")) return [7, "rc"];
      return matchesWord(s, i, "pre") ? [3, "rc"] : undefined;
    case 114: // rc (a lone r is a post-release)
      return (s.charCodeAt(i + 1) | 0x20) === 99 ? [2, "rc"] : undefined;
    default:
      return undefined;
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
  const scan = new Scanner(s, start, end);
  if ((scan.code() | 0x20) === 118 /* v */) scan.i++;
  if (!isDigit(scan.code())) return undefined;

  let epoch: Num = 0;
  let first = scan.digits();
  if (scan.code() === 33 /* ! */) {
    scan.i++;
    if (!isDigit(scan.code())) return undefined;
    epoch = first;
    first = scan.digits();
  }
  const release: Num[] = [first];
  let invalid = Number.isNaN(epoch) || Number.isNaN(first);
  while (scan.code() === 46 /* . */ && isDigit(scan.code(1))) {
    scan.i++;
    const n = scan.digits();
    invalid ||= Number.isNaN(n);
    release.push(n);
  }

  // Pre-release: [._-]? (alpha|a|beta|b|preview|pre|c|rc) [._-]? N?
  let pre: { kind: PreKind; number: Num } | undefined;
  {
    const save = scan.i;
    scan.separator();
    const label = scan.i < end ? preLabel(s, scan.i) : undefined;
    if (label === undefined) {
      scan.i = save;
    } else {
      scan.i += label[0];
      scan.separator();
      pre = { kind: label[1], number: scan.optionalNumber() };
      invalid ||= Number.isNaN(pre.number);
    }
  }

  // Post-release: -N, or [._-]? (post|rev|r) [._-]? N?
  let post: Num | undefined;
  if (scan.code() === 45 /* - */ && isDigit(scan.code(1))) {
    scan.i++;
    post = scan.digits();
  } else {
    const save = scan.i;
    scan.separator();
    const length = scan.i < end ? postLabel(s, scan.i) : 0;
    if (length === 0) {
      scan.i = save;
    } else {
      scan.i += length;
      scan.separator();
      post = scan.optionalNumber();
    }
  }
  invalid ||= post !== undefined && Number.isNaN(post);

  // Dev-release: [._-]? dev [._-]? N?
  let dev: Num | undefined;
  {
    const save = scan.i;
    scan.separator();
    if (scan.i < end && matchesWord(s, scan.i, "dev")) {
      scan.i += 3;
      scan.separator();
      dev = scan.optionalNumber();
      invalid ||= Number.isNaN(dev);
    } else {
      scan.i = save;
    }
  }

  // Local: + [a-z0-9]+ ([._-] [a-z0-9]+)*
  let local: (string | Num)[] = NO_LOCAL as (string | number)[];
  if (scan.code() === 43 /* + */) {
    scan.i++;
    local = [];
    for (;;) {
      const segmentStart = scan.i;
      let allDigits = true;
      while (scan.i < end && isAlphanumeric(s.charCodeAt(scan.i))) {
        allDigits &&= isDigit(s.charCodeAt(scan.i));
        scan.i++;
      }
      if (scan.i === segmentStart) return undefined;
      const segment = s.slice(segmentStart, scan.i);
      if (allDigits) {
        if (segment.length > MAX_DIGITS) return undefined;
        local.push(numberFromDigits(segment));
      } else {
        local.push(segment.toLowerCase());
      }
      if (scan.i < end && isSeparator(s.charCodeAt(scan.i))) scan.i++;
      else break;
    }
  }

  if (scan.i !== end || invalid) return undefined;
  return Version.create({ epoch, release, pre, post, dev, local });
}
