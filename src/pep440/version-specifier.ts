import { PuffinError } from "../support/index.ts";
import { isPythonSpace, Version } from "./version.ts";
import {
  type Interval,
  intervalsContain,
  type Operator,
  specifierIntervals,
} from "./version-intervals.ts";

/**
 * PEP 440 version specifiers (`>=1.0`, `==1.2.*`, `~=2.2`, `!=1.5`, `===1.0`) and
 * comma-separated sets of them.
 * https://packaging.python.org/en/latest/specifications/version-specifiers/#version-specifiers
 *
 * `contains` is pure PEP 440 membership with pre-releases allowed, as in uv: whether a
 * pre-release may be *chosen* is the resolver's policy (see `anyPrerelease`). Membership is
 * defined once, as intervals (`specifierIntervals` in version-intervals.ts), so that a specifier and
 * the `VersionRange` made from it can never disagree.
 *
 * Arbitrary equality (`===`) is supported only with a string that is itself a PEP 440 version,
 * as in uv: a candidate is always a parsed `Version` (files whose version does not parse are
 * ignored, as uv and pip do), so `===foobar` could match nothing anyway, and rejecting it keeps
 * `version` meaningful for every specifier. It matches a candidate whose normalized string equals
 * the written one case-insensitively (so `===1.0` matches `1.0` but not `1.0.0` or `1.0+local`).
 */

export class VersionSpecifier {
  readonly operator: Operator;
  /** The version; for `==1.2.*` / `!=1.2.*` its release is the prefix (`1.2`). */
  readonly version: Version;
  /** True for the prefix forms `==1.2.*` and `!=1.2.*`. */
  readonly wildcard: boolean;
  /** The version text as written, whitespace trimmed (`1.2.*`, `v1.0`, `1.0-alpha`). */
  readonly raw: string;
  /** The set of matching versions, as sorted disjoint intervals. */
  readonly intervals: readonly Interval[];
  private readonly arbitrary: string | undefined;

  private constructor(operator: Operator, version: Version, wildcard: boolean, raw: string) {
    this.operator = operator;
    this.version = version;
    this.wildcard = wildcard;
    this.raw = raw;
    this.intervals = specifierIntervals(operator, version, wildcard);
    this.arbitrary = operator === "===" ? raw.toLowerCase() : undefined;
  }

  /** Parses one specifier; throws a `PuffinError` with code `invalid-specifier`. */
  static parse(s: string): VersionSpecifier {
    let start = 0;
    let end = s.length;
    while (start < end && isPythonSpace(s.charCodeAt(start))) start++;
    while (end > start && isPythonSpace(s.charCodeAt(end - 1))) end--;
    const operator = readOperator(s, start);
    if (operator === undefined) {
      throw invalid(s, "A version specifier starts with an operator, e.g. `==2.0` or `>=1.0`");
    }
    let versionStart = start + operator.length;
    while (versionStart < end && isPythonSpace(s.charCodeAt(versionStart))) versionStart++;
    const raw = s.slice(versionStart, end);
    const wildcard = raw.endsWith(".*");
    const version = Version.tryParse(wildcard ? raw.slice(0, -2) : raw);
    if (version === undefined || hasSpace(raw)) {
      throw invalid(s, raw.includes("*") ? wildcardHint : undefined);
    }
    if (wildcard) {
      if (operator !== "==" && operator !== "!=") {
        throw invalid(s, "A `.*` suffix is only allowed with `==` and `!=`");
      }
      if (version.isPrerelease() || version.isPostrelease() || version.isLocal()) {
        throw invalid(s, wildcardHint);
      }
    } else if (version.isLocal() && operator !== "==" && operator !== "!=" && operator !== "===") {
      throw invalid(s, "A local version (`+...`) is only allowed with `==`, `!=` and `===`");
    }
    if (operator === "~=" && version.release.length < 2) {
      throw invalid(s, "`~=` needs at least two release segments, e.g. `~=1.0`");
    }
    return new VersionSpecifier(operator, version, wildcard, raw);
  }

  /**
   * Pure PEP 440 membership, pre-releases allowed; `==` and `!=` ignore a candidate's local
   * segment unless the specifier has one, and `<V` / `>V` follow the exclusive-ordering rules.
   */
  contains(v: Version): boolean {
    if (this.arbitrary !== undefined) return v.toString().toLowerCase() === this.arbitrary;
    return intervalsContain(this.intervals, v);
  }

  /**
   * Whether the specifier itself names a pre-release (`>=1.0b1`, `==2.0.dev3`), which under the
   * default policy lets the resolver pick pre-releases. As in `packaging`: never for `!=` or a
   * `.*` prefix.
   */
  anyPrerelease(): boolean {
    if (this.operator === "!=" || this.wildcard) return false;
    return this.version.isPrerelease();
  }

  /**
   * PEP 440 equality of specifiers: the same operator and an equal version (trailing zeros
   * ignored except for `~=`, where they change the meaning); `===` compares its text.
   */
  equals(other: VersionSpecifier): boolean {
    return this.canonicalKey() === other.canonicalKey();
  }

  /** The key `equals` compares; equal specifiers have equal keys. */
  canonicalKey(): string {
    if (this.operator === "===") return `===${this.raw}`;
    if (this.wildcard) return `${this.operator}${this.version.toString()}.*`;
    if (this.operator === "~=") return `~=${this.version.toString()}`;
    const parts = this.version.parts();
    const release = [...parts.release];
    while (release.length > 1 && release[release.length - 1] === 0) release.pop();
    return `${this.operator}${Version.create({ ...parts, release }).toString()}`;
  }

  /** The operator and the version as written (`>=1.0`, `==v1.0-alpha`), as `packaging` prints. */
  toString(): string {
    return `${this.operator}${this.raw}`;
  }
}

const wildcardHint = "A `.*` prefix match takes only release numbers, e.g. `==1.2.*`";

function invalid(s: string, hint: string | undefined): PuffinError {
  return new PuffinError(
    "invalid-specifier",
    `Not a valid version specifier: ${JSON.stringify(s)}`,
    hint === undefined ? {} : { hint },
  );
}

function readOperator(s: string, i: number): Operator | undefined {
  const c = s.charCodeAt(i);
  const next = s.charCodeAt(i + 1);
  if (c === 61 /* = */) {
    if (next !== 61) return undefined;
    return s.charCodeAt(i + 2) === 61 ? "===" : "==";
  }
  if (next === 61) {
    if (c === 33) return "!=";
    if (c === 60) return "<=";
    if (c === 62) return ">=";
    if (c === 126) return "~=";
    return undefined;
  }
  if (c === 60) return "<";
  if (c === 62) return ">";
  return undefined;
}

/** Specifiers joined by commas (PEP 440 "version specifier clauses"); `""` allows any version. */
export class VersionSpecifiers {
  /** The specifiers in the order written. */
  readonly specifiers: readonly VersionSpecifier[];

  constructor(specifiers: readonly VersionSpecifier[]) {
    this.specifiers = specifiers;
  }

  /** Parses `>=1.0, <2.0`; empty clauses are skipped; throws code `invalid-specifier`. */
  static parse(s: string): VersionSpecifiers {
    const specifiers: VersionSpecifier[] = [];
    for (const clause of s.split(",")) {
      if (isBlank(clause)) continue;
      specifiers.push(VersionSpecifier.parse(clause));
    }
    return new VersionSpecifiers(specifiers);
  }

  /** True when every specifier contains `v` (pre-releases allowed, see `VersionSpecifier`). */
  contains(v: Version): boolean {
    for (const specifier of this.specifiers) if (!specifier.contains(v)) return false;
    return true;
  }

  /** No specifiers at all: every version matches. */
  isEmpty(): boolean {
    return this.specifiers.length === 0;
  }

  /** Whether any specifier names a pre-release (see `VersionSpecifier.anyPrerelease`). */
  anyPrerelease(): boolean {
    return this.specifiers.some((specifier) => specifier.anyPrerelease());
  }

  /** The same set of specifiers, duplicates and order aside. */
  equals(other: VersionSpecifiers): boolean {
    const mine = canonicalKeys(this);
    const theirs = canonicalKeys(other);
    return mine.length === theirs.length && mine.every((key, i) => key === theirs[i]);
  }

  /**
   * Canonical text, as `packaging` prints it: specifiers sorted by their text, equal ones once,
   * joined by `,` (`>=1.0, <2` → `<2,>=1.0`).
   */
  toString(): string {
    const sorted = this.specifiers.map((s) => [s.toString(), s] as const);
    sorted.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const seen = new Set<string>();
    const texts: string[] = [];
    for (const [text, specifier] of sorted) {
      const key = specifier.canonicalKey();
      if (seen.has(key)) continue;
      seen.add(key);
      texts.push(text);
    }
    return texts.join(",");
  }
}

function canonicalKeys(specifiers: VersionSpecifiers): string[] {
  return [...new Set(specifiers.specifiers.map((s) => s.canonicalKey()))].sort();
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isPythonSpace(s.charCodeAt(i))) return false;
  return true;
}

function hasSpace(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isPythonSpace(s.charCodeAt(i))) return true;
  return false;
}
