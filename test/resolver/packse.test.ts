// Runs every packse scenario (test/corpora/packse, see SOURCES.md there) through the solver with
// an in-memory provider built from the scenario's TOML, as /work/shared/corpus/README.md maps it:
// a version without `requires_python` requires `>=3.12`; the target is CPython 3.12 on x86-64
// manylinux unless `[environment] python` says otherwise; `prereleases = true` is
// `--prerelease=allow`; a version whose `wheel_tags` fit nothing here and that has no sdist is
// unavailable. Checks `[expected] satisfiable` and `packages`.
//
// Every scenario of the corpus can be checked at this level: the wheel-tag scenarios only need
// to know which versions have a usable file, which the provider answers from the tags. What is
// left to the CLI harness is building the real index (wheels, sdists) the scenarios describe.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, test } from "node:test";
import { parse } from "smol-toml";
import { Version } from "../../src/pep440/index.ts";
import { markerEnvironmentFromRecord } from "../../src/pep508/index.ts";
import { parseTagSet, Tags } from "../../src/platform-tags/index.ts";
import { NoSolutionError, resolve } from "../../src/resolver/index.ts";
import { InMemoryProvider, LINUX_312, optionsFor, type Universe } from "./in-memory-provider.ts";

const corpus = new URL("../corpora/packse/scenarios/", import.meta.url).pathname;

type VersionEntry = {
  requires?: string[];
  requires_python?: string;
  extras?: Record<string, string[]>;
  yanked?: boolean;
  wheel?: boolean;
  sdist?: boolean;
  wheel_tags?: string[];
};

type Scenario = {
  name: string;
  root: { requires?: string[] };
  packages?: Record<string, { versions: Record<string, VersionEntry> }>;
  environment?: { python?: string };
  resolver_options?: { prereleases?: boolean; python?: string };
  expected: { satisfiable: boolean; packages?: Record<string, string> };
};

function scenarioFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...scenarioFiles(path));
    else if (entry.name.endsWith(".toml")) found.push(path);
  }
  return found.sort();
}

function targetTags(python: Version): Tags {
  return Tags.fromEnv({
    pythonVersion: [python.release[0]!, python.release[1]!],
    implementation: "cpython",
    platform: { os: "manylinux", major: 2, minor: 28, arch: "x86_64" },
  });
}

/** Why no file of the version can be used on the target, or `undefined` when one can. */
function unavailability(entry: VersionEntry, tags: Tags): string | undefined {
  const sdist = entry.sdist === true;
  const wheel =
    entry.wheel_tags !== undefined
      ? entry.wheel_tags.some((tag) => tags.isCompatible(parseTagSet(tag)))
      : entry.wheel !== false;
  if (wheel || sdist) return undefined;
  return entry.wheel_tags !== undefined
    ? "has no wheels with a matching platform tag and no source distribution"
    : "has no wheel and no source distribution";
}

function universeOf(scenario: Scenario, tags: Tags): Universe {
  const universe: Record<string, Record<string, object>> = {};
  for (const [name, { versions }] of Object.entries(scenario.packages ?? {})) {
    const entries: Record<string, object> = {};
    for (const [version, entry] of Object.entries(versions)) {
      const unavailable = unavailability(entry, tags);
      entries[version] = {
        requires: entry.requires ?? [],
        requiresPython: entry.requires_python ?? ">=3.12",
        extras: entry.extras ?? {},
        ...(entry.yanked === true ? { yanked: true } : {}),
        ...(unavailable !== undefined ? { unavailable } : {}),
      };
    }
    universe[name] = entries;
  }
  return universe;
}

function pythonOf(text: string): Version {
  const version = Version.parse(text);
  return version.release.length >= 3 ? version : Version.parse(`${text}.0`);
}

const files = scenarioFiles(corpus);

describe("packse scenarios", () => {
  test("the corpus is all here", () => {
    assert.equal(files.length, 66);
  });

  for (const file of files) {
    const scenario = parse(readFileSync(file, "utf8")) as unknown as Scenario;
    test(relative(corpus, file), async () => {
      const pythonText = scenario.resolver_options?.python ?? scenario.environment?.python;
      const python = pythonOf(pythonText ?? "3.12");
      const environment = markerEnvironmentFromRecord({
        ...LINUX_312,
        python_full_version: python.toString(),
        python_version: python.release.slice(0, 2).join("."),
      });
      const provider = new InMemoryProvider(universeOf(scenario, targetTags(python)));
      const options = optionsFor(scenario.root.requires ?? [], {
        environment,
        pythonVersion: python,
        prerelease: scenario.resolver_options?.prereleases === true ? "allow" : undefined,
      });
      if (!scenario.expected.satisfiable) {
        await assert.rejects(resolve(provider, options), NoSolutionError);
        return;
      }
      const resolution = await resolve(provider, options);
      const pins = Object.fromEntries(
        resolution.packages.map((p) => [p.name, p.version.toString()]),
      );
      const expected = scenario.expected.packages;
      if (expected !== undefined) {
        const normalized = Object.fromEntries(
          Object.entries(expected).map(([name, version]) => [
            name.toLowerCase().replaceAll(/[-_.]+/g, "-"),
            Version.parse(version).toString(),
          ]),
        );
        assert.deepEqual(pins, normalized);
      }
    });
  }
});
