import { isValidName, PackageName } from "../normalize/index.ts";
import type { Version } from "../pep440/index.ts";
import {
  expandTagSet,
  type Tag,
  type TagSet,
  type Tags,
  tryParseTagSet,
} from "../platform-tags/index.ts";
import { PuffinError, unsafeFileNameReason } from "../support/index.ts";
import { parseVersionPart } from "./version-part.ts";

/**
 * A wheel's optional build tag: it starts with digits, compared as a number first and then as a
 * string (`1000abc` → `{ number: 1000, suffix: "abc" }`).
 */
export interface BuildTag {
  readonly number: number;
  readonly suffix: string;
}

const BUILD_TAG = /^(\d+)(.*)$/;

/**
 * `{distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl`, per the
 * binary distribution format: https://packaging.python.org/en/latest/specifications/binary-distribution-format/#file-name-convention
 *
 * Parsing follows packaging's `parse_wheel_filename`: five or six `-`-separated parts, a valid
 * name (not necessarily normalized: `some_PACKAGE`, but no `__`), a PEP 440 version, a build
 * tag starting with a digit. Beyond packaging, the whole filename must be one safe file name
 * (`unsafeFileNameReason`): it is used as a path component, so one holding a separator is no
 * wheel. Tag components are kept compressed (`py2.py3`), lowercased, in the order written
 * (unsorted sets are accepted, as packaging does by default).
 */
export class WheelFilename implements TagSet {
  readonly name: PackageName;
  readonly version: Version;
  readonly build: BuildTag | undefined;
  readonly pythonTags: readonly string[];
  readonly abiTags: readonly string[];
  readonly platformTags: readonly string[];

  private constructor(fields: {
    name: PackageName;
    version: Version;
    build: BuildTag | undefined;
    tags: TagSet;
  }) {
    this.name = fields.name;
    this.version = fields.version;
    this.build = fields.build;
    this.pythonTags = fields.tags.pythonTags;
    this.abiTags = fields.tags.abiTags;
    this.platformTags = fields.tags.platformTags;
  }

  /** Throws a `PuffinError` with code `invalid-wheel-filename` saying what is wrong. */
  static parse(filename: string): WheelFilename {
    const parsed = WheelFilename.#parseOrReason(filename);
    if (typeof parsed === "string") {
      throw new PuffinError(
        "invalid-wheel-filename",
        `Not a valid wheel filename: ${JSON.stringify(filename)}: ${parsed}`,
        { hint: "Wheel filenames look like `name-1.0(-1build)-py3-none-any.whl`" },
      );
    }
    return parsed;
  }

  /** Like `parse`, for the common case of skipping what is not a wheel (index pages). */
  static tryParse(filename: string): WheelFilename | undefined {
    const parsed = WheelFilename.#parseOrReason(filename);
    return typeof parsed === "string" ? undefined : parsed;
  }

  /** Every tag of the (compressed) tag set. */
  tags(): Tag[] {
    return expandTagSet(this);
  }

  /** The priority of the wheel's best tag among `tags` (higher = better), `undefined` if none fits. */
  compatibility(tags: Tags): number | undefined {
    return tags.compatibility(this);
  }

  isCompatible(tags: Tags): boolean {
    return tags.compatibility(this) !== undefined;
  }

  /**
   * The canonical filename: the normalized name in its `_` form, the normalized version, the
   * build tag and the tag sets as parsed (lowercase). Not necessarily the string parsed.
   */
  toString(): string {
    const build = this.build === undefined ? "" : `-${this.build.number}${this.build.suffix}`;
    const tags = [this.pythonTags, this.abiTags, this.platformTags]
      .map((c) => c.join("."))
      .join("-");
    return `${PackageName.asDistInfoName(this.name)}-${this.version}${build}-${tags}.whl`;
  }

  /** The parsed wheel filename, or the reason it is not one. */
  static #parseOrReason(filename: string): WheelFilename | string {
    if (!filename.endsWith(".whl")) return "it does not end in `.whl`";
    // The build tag and the tags are free-form: without this, `x-1-1/../../y-py3-none-any.whl`
    // would parse, and its parts become a path wherever the filename is used as one.
    const unsafe = unsafeFileNameReason(filename);
    if (unsafe !== undefined) return `it is not a plain file name: ${unsafe}`;
    const parts = filename.slice(0, -".whl".length).split("-");
    if (parts.length !== 5 && parts.length !== 6) {
      return `it has ${parts.length} \`-\`-separated parts, not 5 or 6`;
    }
    const namePart = parts[0]!;
    if (!isValidName(namePart) || namePart.includes("__")) {
      return `${JSON.stringify(namePart)} is not a valid distribution name`;
    }
    const version = parseVersionPart(parts[1]!);
    if (version === undefined) return `${JSON.stringify(parts[1])} is not a valid version`;
    let build: BuildTag | undefined;
    if (parts.length === 6) {
      const match = BUILD_TAG.exec(parts[2]!);
      if (match === null)
        return `the build tag ${JSON.stringify(parts[2])} does not start with a digit`;
      build = { number: Number(match[1]), suffix: match[2]! };
    }
    const tagSet = parts.slice(-3).join("-");
    const tags = tryParseTagSet(tagSet);
    if (tags === undefined) return `${JSON.stringify(tagSet)} has an empty tag`;
    return new WheelFilename({ name: PackageName.fromValid(namePart), version, build, tags });
  }
}
