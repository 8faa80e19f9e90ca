import { type ErrorCode, PuffinError } from "../support/index.ts";

/**
 * Package and extra names, normalized per PEP 503 (runs of `-`, `_`, `.` become one `-`,
 * lowercase) after validation per PEP 508 (ASCII letters and digits, with `-`, `_`, `.` allowed
 * only between them). https://packaging.python.org/en/latest/specifications/name-normalization/
 *
 * Names are branded strings rather than objects: they are map keys in every hot loop of the
 * resolver, and a string compares and hashes for free.
 */
export type PackageName = string & { readonly __brand: "PackageName" };
/** An extra's name; normalized the same way as a package name (PEP 685). */
export type ExtraName = string & { readonly __brand: "ExtraName" };
/** A dependency group's name (PEP 735); normalized the same way as a package name. */
export type GroupName = string & { readonly __brand: "GroupName" };

const VALID_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/;
const SEPARATOR_RUNS = /[-_.]+/g;

/** True when `name` is valid per PEP 508 (before normalization). */
export function isValidName(name: string): boolean {
  return VALID_NAME.test(name);
}

/**
 * PEP 503 normalization without validation: `Foo.__Bar` → `foo-bar`. Returns the input itself
 * when it is already normalized (the common case on index pages and in METADATA).
 */
export function normalizeName(name: string): string {
  if (isNormalizedName(name)) return name;
  return name.replace(SEPARATOR_RUNS, "-").toLowerCase();
}

/** True when `name` is already in PEP 503 normal form (lowercase, single `-` separators). */
export function isNormalizedName(name: string): boolean {
  let previousDash = true; // a leading dash is not normal
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 45 /* - */) {
      if (previousDash) return false;
      previousDash = true;
    } else if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57)) {
      previousDash = false;
    } else {
      return false;
    }
  }
  return !previousDash;
}

function parseName(kind: string, code: ErrorCode, name: string): string {
  if (isNormalizedName(name)) return name;
  if (!VALID_NAME.test(name)) {
    throw new PuffinError(code, `Not a valid ${kind}: ${JSON.stringify(name)}`, {
      hint: `${kind[0]!.toUpperCase()}${kind.slice(1)}s start and end with a letter or digit and contain only letters, digits, \`-\`, \`_\` and \`.\``,
    });
  }
  return name.replace(SEPARATOR_RUNS, "-").toLowerCase();
}

export const PackageName = {
  /** Validates and normalizes; throws a `PuffinError` with code `invalid-package-name`. */
  parse(name: string): PackageName {
    return parseName("package name", "invalid-package-name", name) as PackageName;
  },
  /**
   * Trusts the caller that `name` is a valid name and only normalizes it. For names read from
   * sources already validated (index pages, parsed filenames).
   */
  fromValid(name: string): PackageName {
    return normalizeName(name) as PackageName;
  },
  /** The name as used in wheel and dist-info filenames (`foo-bar` → `foo_bar`). */
  asDistInfoName(name: PackageName): string {
    return name.replaceAll("-", "_");
  },
};

export const ExtraName = {
  /** Validates and normalizes; throws a `PuffinError` with code `invalid-extra-name`. */
  parse(name: string): ExtraName {
    return parseName("extra name", "invalid-extra-name", name) as ExtraName;
  },
};

export const GroupName = {
  /** Validates and normalizes; throws a `PuffinError` with code `invalid-group-name`. */
  parse(name: string): GroupName {
    return parseName("group name", "invalid-group-name", name) as GroupName;
  },
};
