import { VersionSpecifiers } from "../pep440/index.ts";
import { Requirement } from "../pep508/index.ts";

/**
 * Lenient parsing for the version part of `Requires-Dist` and for `Requires-Python`, as found in
 * metadata that older tools wrote before `packaging` became strict (PEP 440 since packaging 22).
 *
 * The strict parser always runs first; only when it fails are these rewrites tried, one after the
 * other and cumulatively, re-parsing after each one that changed the text. The first success
 * wins, and the caller gets the rewritten text so it can warn. When none succeeds the *original*
 * error is thrown, so messages point at what the file really says. The rewrites are the ones uv
 * applies (crates/uv-pypi-types/src/lenient_requirement.rs), each seen on real PyPI metadata,
 * except uv's trailing-comma rewrite: `>=3.6,` is valid to our parsers, as to `packaging`.
 *
 * | written                  | read as                 |
 * |--------------------------|-------------------------|
 * | `>=7.2.0<8.0.0`          | `>=7.2.0,<8.0.0`        |
 * | `!=~5.0`                 | `!=5.0.*`               |
 * | `>=1.9.*`, `<3.4.*`      | `>=1.9`, `<3.4`         |
 * | `!=3.0*`                 | `!=3.0.*`               |
 * | `>=9.0.0a1.0`            | `>=9.0.0a1`             |
 * | `>= '2.7'`, `>=3.6'`     | `>= 2.7`, `>=3.6`       |
 *
 * For `Requires-Dist` only the version part is rewritten: from its first operator or stray quote
 * (so quotes around the name go too) up to the marker, whose quotes are meaningful. A URL
 * requirement (`name @ url`) is never rewritten.
 */
export interface Lenient<T> {
  readonly value: T;
  /** The text that parsed, when it differs from the input (callers warn with it). */
  readonly fixed: string | undefined;
}

interface FixUp {
  readonly pattern: RegExp;
  readonly replacement: string;
}

const FIXUPS: readonly FixUp[] = [
  // `>=7.2.0<8.0.0`: a missing comma between two clauses.
  { pattern: /(\d)\s*(?=[<>!~=])/g, replacement: "$1," },
  // `!=~5.0`: "not compatible with", meant as "not this series".
  { pattern: /!=\s*~=?\s*(\d+(?:\.\d+)*)/g, replacement: "!=$1.*" },
  // `>=1.9.*`: a wildcard is only valid after `==` and `!=`.
  { pattern: /(<=|>=|<|>)(\s*\d+(?:\.\d+)*)\.\*/g, replacement: "$1$2" },
  // `!=3.0*`: a wildcard without its dot.
  { pattern: /(\d)\*/g, replacement: "$1.*" },
  // `>=9.0.0a1.0`: a release segment after a pre/post/dev segment.
  { pattern: /((?:a|b|rc|post|dev)\d+)\.0(?![\d.])/g, replacement: "$1" },
  // `>= '2.7'`: quoted versions.
  { pattern: /['"]/g, replacement: "" },
];

/** `VersionSpecifiers.parse`, retrying with the rewrites above when it fails. */
export function parseLenientVersionSpecifiers(input: string): Lenient<VersionSpecifiers> {
  return withFixUps(input, "", "", (text) => VersionSpecifiers.parse(text));
}

/** `Requirement.parse`, retrying with the rewrites above on its version part when it fails. */
export function parseLenientRequirement(input: string): Lenient<Requirement> {
  const markerStart = input.indexOf(";");
  const head = markerStart === -1 ? input : input.slice(0, markerStart);
  // The version part starts at its first operator, or at a stray quote before it.
  const versionStart = head.search(/['"<>=!~(]/);
  // A URL requirement (`name @ url`) has no version part to repair.
  const repairable = versionStart !== -1 && !head.slice(0, versionStart).includes("@");
  if (!repairable) return { value: Requirement.parse(input), fixed: undefined };
  return withFixUps(
    head.slice(versionStart),
    head.slice(0, versionStart),
    markerStart === -1 ? "" : input.slice(markerStart),
    (text) => Requirement.parse(text),
  );
}

function withFixUps<T>(
  part: string,
  before: string,
  after: string,
  parse: (text: string) => T,
): Lenient<T> {
  let firstError: unknown;
  try {
    return { value: parse(before + part + after), fixed: undefined };
  } catch (error) {
    firstError = error;
  }
  let patched = part;
  for (const { pattern, replacement } of FIXUPS) {
    const next = patched.replace(pattern, replacement);
    if (next === patched) continue;
    patched = next;
    const text = before + patched + after;
    try {
      return { value: parse(text), fixed: text };
    } catch {
      // Keep rewriting; the original error is what the caller sees if nothing helps.
    }
  }
  throw firstError;
}
