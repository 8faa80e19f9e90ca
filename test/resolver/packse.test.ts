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
import { describe, test } from "node:test";
import { Version } from "../../src/pep440/index.ts";
import { markerEnvironmentFromRecord } from "../../src/pep508/index.ts";
import { Tags } from "../../src/platform-tags/index.ts";
import { parseTagSet } from "../../src/platform-tags/tag.ts";
import { NoSolutionError, resolve } from "../../src/resolver/index.ts";
import {
  expectedPins,
  PACKSE_SCENARIO_COUNT,
  type PackseScenario,
  type PackseVersion,
  packsePython,
  packseScenarios,
  requiresPythonOf,
} from "../support/packse.ts";
import { InMemoryProvider, LINUX_312, optionsFor, type Universe } from "./in-memory-provider.ts";

function targetTags(python: Version): Tags {
  return Tags.fromEnv({
    pythonVersion: [python.release[0]!, python.release[1]!],
    implementation: "cpython",
    platform: { os: "manylinux", major: 2, minor: 28, arch: "x86_64" },
  });
}

/** Why no file of the version can be used on the target, or `undefined` when one can. */
function unavailability(entry: PackseVersion, tags: Tags): string | undefined {
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

function universeOf(scenario: PackseScenario, tags: Tags): Universe {
  const universe: Record<string, Record<string, object>> = {};
  for (const [name, { versions }] of Object.entries(scenario.packages ?? {})) {
    const entries: Record<string, object> = {};
    for (const [version, entry] of Object.entries(versions)) {
      const unavailable = unavailability(entry, tags);
      entries[version] = {
        requires: entry.requires ?? [],
        requiresPython: requiresPythonOf(entry),
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

const scenarios = packseScenarios();

describe("packse scenarios", () => {
  test("the corpus is all here", () => {
    assert.equal(scenarios.length, PACKSE_SCENARIO_COUNT);
  });

  for (const { path, scenario } of scenarios) {
    test(path, async () => {
      const python = pythonOf(packsePython(scenario));
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
      const expected = expectedPins(scenario);
      if (expected !== undefined) assert.deepEqual(pins, expected);
    });
  }
});
