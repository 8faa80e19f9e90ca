import { PuffinError } from "../support/index.ts";
import { type Platform, platformTags } from "./platform.ts";
import { formatTag, type Tag, type TagSet } from "./tag.ts";

/** The Python implementations whose wheel tags Puffin knows how to compute. */
export type Implementation = "cpython" | "pypy" | "graalpy";

/** What decides which wheels an interpreter can install. */
export interface TagsEnv {
  /** `sys.version_info[:2]` */
  readonly pythonVersion: readonly [number, number];
  readonly implementation: Implementation;
  /**
   * `sys.implementation.version[:2]`; required for PyPy (`pypy310_pp73`) and GraalPy
   * (`graalpy242_311_native`), whose ABI tags carry it.
   */
  readonly implementationVersion?: readonly [number, number];
  /** A free-threaded CPython build (3.13t and later): ABI `cp313t`, `abi3t` instead of `abi3`. */
  readonly gilDisabled?: boolean;
  /**
   * The interpreter's own ABI tags when known better than the defaults (debug builds: `cp312d`,
   * `cp312`; Python < 3.3 built with UCS-2: `cp27m`). `abi3` and `none` are added by the rules.
   */
  readonly abiTags?: readonly string[];
  readonly platform: Platform;
}

/**
 * The ordered set of tags an interpreter supports, most preferred first, exactly as
 * `packaging.tags.sys_tags()` yields them on that interpreter; and a fast compatibility check
 * for wheels against it.
 *
 * Priorities: a supported tag at index `i` of `tags` has priority `tags.length - i`, so a higher
 * number means a more preferred tag, and every priority is at least 1. A wheel's priority is that
 * of its best tag. https://packaging.python.org/en/latest/specifications/platform-compatibility-tags/
 */
export class Tags {
  /** Supported tags, most preferred first, without duplicates. */
  readonly tags: readonly Tag[];
  /** python → abi → platform → priority: a lookup costs three map gets, not a scan. */
  readonly #priorities = new Map<string, Map<string, Map<string, number>>>();

  constructor(tags: readonly Tag[]) {
    const unique: Tag[] = [];
    for (const tag of tags) {
      let abis = this.#priorities.get(tag.python);
      if (abis === undefined) {
        abis = new Map();
        this.#priorities.set(tag.python, abis);
      }
      let platforms = abis.get(tag.abi);
      if (platforms === undefined) {
        platforms = new Map();
        abis.set(tag.abi, platforms);
      }
      if (platforms.has(tag.platform)) continue;
      platforms.set(tag.platform, -unique.length);
      unique.push(tag);
    }
    // Rewrite the provisional `-index` into `length - index` now that the length is known.
    for (const abis of this.#priorities.values()) {
      for (const platforms of abis.values()) {
        for (const [platform, negativeIndex] of platforms) {
          platforms.set(platform, unique.length + negativeIndex);
        }
      }
    }
    this.tags = unique;
  }

  /** The tags of an interpreter described by `env`; see `TagsEnv`. */
  static fromEnv(env: TagsEnv): Tags {
    return new Tags(tagsForEnv(env));
  }

  /** The priority of one tag (higher = more preferred), or `undefined` when unsupported. */
  priority(tag: Tag): number | undefined {
    return this.#priorities.get(tag.python)?.get(tag.abi)?.get(tag.platform);
  }

  /**
   * The priority of the best supported tag among a wheel's tags (higher = more preferred), or
   * `undefined` when none is supported. Takes a compressed tag set (a `WheelFilename`) or a list
   * of tags. Components are expected lowercase, as `parseTagSet` and `WheelFilename` give them.
   */
  compatibility(wheelTags: TagSet | readonly Tag[]): number | undefined {
    let best: number | undefined;
    if (isTagList(wheelTags)) {
      for (const tag of wheelTags) {
        const priority = this.priority(tag);
        if (priority !== undefined && (best === undefined || priority > best)) best = priority;
      }
      return best;
    }
    for (const python of wheelTags.pythonTags) {
      const abis = this.#priorities.get(python);
      if (abis === undefined) continue;
      for (const abi of wheelTags.abiTags) {
        const platforms = abis.get(abi);
        if (platforms === undefined) continue;
        for (const platform of wheelTags.platformTags) {
          const priority = platforms.get(platform);
          if (priority !== undefined && (best === undefined || priority > best)) best = priority;
        }
      }
    }
    return best;
  }

  /** True when at least one of the wheel's tags is supported. */
  isCompatible(wheelTags: TagSet | readonly Tag[]): boolean {
    return this.compatibility(wheelTags) !== undefined;
  }

  toString(): string {
    return this.tags.map(formatTag).join("\n");
  }
}

function isTagList(wheelTags: TagSet | readonly Tag[]): wheelTags is readonly Tag[] {
  return Array.isArray(wheelTags);
}

/** `[3, 12]` → `312` (packaging's `_version_nodot`). */
function nodot(version: readonly [number, number]): string {
  return `${version[0]}${version[1]}`;
}

function requireImplementationVersion(env: TagsEnv): readonly [number, number] {
  if (env.implementationVersion === undefined) {
    throw new PuffinError(
      "invalid-tags-environment",
      `The ${env.implementation} implementation version is needed to compute its wheel tags`,
    );
  }
  return env.implementationVersion;
}

function tagsForEnv(env: TagsEnv): Tag[] {
  const platforms = platformTags(env.platform);
  const tags: Tag[] = [];
  const pushAll = (python: string, abi: string) => {
    for (const platform of platforms) tags.push({ python, abi, platform });
  };
  const version = nodot(env.pythonVersion);
  let interpreterAny: string | undefined;
  switch (env.implementation) {
    case "cpython":
      cpythonTags(env, pushAll);
      interpreterAny = `cp${version}`;
      break;
    case "pypy": {
      const abis = env.abiTags ?? [`pypy${version}_pp${nodot(requireImplementationVersion(env))}`];
      genericTags(`pp${version}`, abis, pushAll);
      // packaging ≥ 21.3 (pypa/packaging#311): PyPy also takes `pp3-none-any`.
      interpreterAny = "pp3";
      break;
    }
    case "graalpy": {
      const implementation = nodot(requireImplementationVersion(env));
      const abis = env.abiTags ?? [`graalpy${implementation}_${version}_native`];
      genericTags(`graalpy${version}`, abis, pushAll);
      break;
    }
  }
  compatibleTags(env.pythonVersion, { interpreterAny, platforms, tags });
  return tags;
}

/**
 * CPython's default ABI tag (packaging's `_cpython_abis` for a release build): `t` for
 * free-threaded builds; before 3.8 `m` (pymalloc) and before 3.3 `u` (UCS-4, the Linux and
 * macOS default; Windows builds were UCS-2).
 */
function cpythonAbi(env: TagsEnv): string {
  const [major, minor] = env.pythonVersion;
  const threading = env.gilDisabled ? "t" : "";
  const before = (m: number) => major < 3 || (major === 3 && minor < m);
  const pymalloc = before(8) ? "m" : "";
  const ucs4 = before(3) && env.platform.os !== "windows" ? "u" : "";
  return `cp${major}${minor}${threading}${pymalloc}${ucs4}`;
}

/** packaging's `cpython_tags`. */
function cpythonTags(env: TagsEnv, pushAll: (python: string, abi: string) => void): void {
  const [major, minor] = env.pythonVersion;
  const interpreter = `cp${major}${minor}`;
  const abis = (env.abiTags ?? [cpythonAbi(env)]).filter((abi) => abi !== "abi3" && abi !== "none");
  for (const abi of abis) pushAll(interpreter, abi);
  // The stable ABI exists from 3.2 on; free-threaded builds have their own, `abi3t` (PEP 803).
  const abiFlags = /^cp\d+(.*)$/.exec(abis[0] ?? "")?.[1];
  const threaded = abiFlags?.includes("t") ?? false;
  const stableAbi = major > 3 || (major === 3 && minor >= 2) ? (threaded ? "abi3t" : "abi3") : "";
  if (stableAbi) pushAll(interpreter, stableAbi);
  pushAll(interpreter, "none");
  if (stableAbi) {
    for (let older = minor - 1; older > 1; older--) pushAll(`cp${major}${older}`, stableAbi);
  }
}

/** packaging's `generic_tags`: each ABI, then `none`. */
function genericTags(
  interpreter: string,
  abis: readonly string[],
  pushAll: (python: string, abi: string) => void,
): void {
  for (const abi of abis) pushAll(interpreter, abi);
  if (!abis.includes("none")) pushAll(interpreter, "none");
}

/**
 * packaging's `compatible_tags`: pure-Python tags for every platform, then the interpreter's own
 * `-none-any`, then pure-Python `-none-any`. The Python tags run `py312`, `py3`, `py311`, … `py30`.
 */
function compatibleTags(
  pythonVersion: readonly [number, number],
  into: { interpreterAny: string | undefined; platforms: readonly string[]; tags: Tag[] },
): void {
  const [major, minor] = pythonVersion;
  const pythons = [`py${major}${minor}`, `py${major}`];
  for (let older = minor - 1; older >= 0; older--) pythons.push(`py${major}${older}`);
  for (const python of pythons) {
    for (const platform of into.platforms) into.tags.push({ python, abi: "none", platform });
  }
  if (into.interpreterAny !== undefined) {
    into.tags.push({ python: into.interpreterAny, abi: "none", platform: "any" });
  }
  for (const python of pythons) into.tags.push({ python, abi: "none", platform: "any" });
}
