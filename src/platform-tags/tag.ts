import { PuffinError } from "../support/index.ts";

/**
 * One PEP 425 compatibility tag: `{python tag}-{abi tag}-{platform tag}`, e.g. `cp312-abi3-win_amd64`.
 * Components are lowercase (tags compare case-insensitively).
 * https://packaging.python.org/en/latest/specifications/platform-compatibility-tags/
 */
export interface Tag {
  readonly python: string;
  readonly abi: string;
  readonly platform: string;
}

/**
 * A compressed tag set as written in a wheel filename: each component may list several values
 * separated by `.` (`py2.py3-none-any`); the set is their Cartesian product. Components are
 * lowercase. `WheelFilename` is one of these.
 */
export interface TagSet {
  readonly pythonTags: readonly string[];
  readonly abiTags: readonly string[];
  readonly platformTags: readonly string[];
}

/** `cp312-abi3-win_amd64` */
export function formatTag(tag: Tag): string {
  return `${tag.python}-${tag.abi}-${tag.platform}`;
}

/**
 * Parses a tag or a compressed tag set (`py2.py3-none-any`) into its compressed components,
 * lowercased. Throws a `PuffinError` with code `invalid-tag` unless there are exactly three
 * `-`-separated components, none with an empty `.`-separated value.
 */
export function parseTagSet(s: string): TagSet {
  const set = tryParseTagSet(s);
  if (set === undefined) {
    throw new PuffinError("invalid-tag", `Not a valid compatibility tag: ${JSON.stringify(s)}`, {
      hint: "A tag has three parts separated by `-`: python, ABI and platform (`py3-none-any`)",
    });
  }
  return set;
}

/** Like `parseTagSet`, returning `undefined` for what is not a tag. */
export function tryParseTagSet(s: string): TagSet | undefined {
  const components = s.toLowerCase().split("-");
  if (components.length !== 3) return undefined;
  const [pythonTags, abiTags, platformTags] = components.map((component) => component.split("."));
  for (const values of [pythonTags!, abiTags!, platformTags!]) {
    if (values.includes("")) return undefined;
  }
  return { pythonTags: pythonTags!, abiTags: abiTags!, platformTags: platformTags! };
}

/**
 * Parses a tag and expands a compressed tag set into its tags, in the order the components
 * list them (python, then ABI, then platform varying fastest), without duplicates.
 * `py2.py3-none-any` → `py2-none-any`, `py3-none-any`.
 */
export function parseTag(s: string): Tag[] {
  return expandTagSet(parseTagSet(s));
}

/** The tags of a compressed tag set, without duplicates, in component order. */
export function expandTagSet(set: TagSet): Tag[] {
  const tags: Tag[] = [];
  const seen = new Set<string>();
  for (const python of set.pythonTags) {
    for (const abi of set.abiTags) {
      for (const platform of set.platformTags) {
        const key = `${python}-${abi}-${platform}`;
        if (seen.has(key)) continue;
        seen.add(key);
        tags.push({ python, abi, platform });
      }
    }
  }
  return tags;
}
