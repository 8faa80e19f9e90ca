// Acceptance: every shared bench set (bench/sets, see SOURCES.md there)
// resolved with `RegistryProvider` over the machines' offline index, for the pyenv CPython 3.11,
// gives exactly pip 23.2's pins. pip's configuration (`pip config list`) names both offline
// indexes as extra index URLs, in the order /opt/pypi then /opt/pypi-more, plus the find-links
// directory /opt/wheels; Puffin is given the same, and consults the indexes in that order.
//
// One difference is by design (bench README): pip merges every index, while Puffin takes each
// package from the first index that has it. `transformers` is 5.17.0 on the first index and
// 5.18.0 on the second, so where pip pins 5.18.0 Puffin pins 5.17.0; `KNOWN_DIFFERENCES` lists
// exactly that and the test fails on any other difference. Every other project on both indexes
// has its pip pin on the first one.
//
// One cache serves every set, in order (cold for `small`, warming as it goes), which keeps the
// whole file within a few tens of seconds; the time of each set is logged.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { pathToFileURL } from "node:url";
import { type Interpreter, queryInterpreter } from "../../src/interpreter/index.ts";
import type { PackageName } from "../../src/normalize/index.ts";
import type { Requirement } from "../../src/pep508/index.ts";
import { parseRequirementsFile } from "../../src/requirements-txt/index.ts";
import {
  RegistryProvider,
  type ResolverTarget,
  resolve,
  targetFromInterpreter,
} from "../../src/resolver/index.ts";
import { OFFLINE_INDEXES, presentOfflineIndexes } from "../support/offline-index.ts";
import { pyenvPythons } from "../support/pyenv-pythons.ts";
import { testDatabase, testRegistry } from "../support/registry.ts";
import { testDirectory } from "../support/temp-dir.ts";

const corpus = new URL("../../bench/sets/", import.meta.url).pathname;
const SETS = ["small", "trio", "medium", "large", "xl", "ml"];
const FIND_LINKS = "/opt/wheels";

/** Pins that differ from pip's by design: set → name → [pip's version, Puffin's version]. */
const KNOWN_DIFFERENCES: Record<string, Record<string, readonly [string, string]>> = {
  xl: { transformers: ["5.18.0", "5.17.0"] },
  ml: { transformers: ["5.18.0", "5.17.0"] },
};

const python311 = pyenvPythons().find((p) => p.minor[0] === 3 && p.minor[1] === 11);
const skip =
  presentOfflineIndexes().length < OFFLINE_INDEXES.length
    ? `the offline indexes (${OFFLINE_INDEXES.join(", ")}) are not on this machine`
    : python311 === undefined
      ? "no pyenv CPython 3.11 on this machine"
      : false;

async function requirementsOf(set: string): Promise<Requirement[]> {
  const parsed = await parseRequirementsFile(join(corpus, `${set}.in`), { env: {} });
  return parsed.requirements.map((entry) => {
    assert.equal(entry.requirement.kind, "named", `${set}.in holds only named requirements`);
    return entry.requirement.requirement as Requirement;
  });
}

function pipPins(set: string): Map<string, string> {
  const pins = new Map<string, string>();
  for (const line of readFileSync(join(corpus, "compiled", `${set}.txt`), "utf8").split("\n")) {
    const match = /^([A-Za-z0-9._-]+)==(\S+)$/.exec(line.trim());
    if (match !== null) pins.set(match[1]!.toLowerCase().replace(/[-_.]+/g, "-"), match[2]!);
  }
  return pins;
}

describe("RegistryProvider on the shared bench sets (offline index, CPython 3.11)", {
  skip,
}, () => {
  const cacheDir = testDirectory("bench-resolve");
  let target: ResolverTarget;
  let interpreter: Interpreter;

  test("finds the interpreter's target", async () => {
    interpreter = await queryInterpreter(python311!.executable, { cache: undefined });
    target = targetFromInterpreter(interpreter);
    assert.equal(target.environment.python_version, "3.11");
  });

  for (const set of SETS) {
    test(`${set}: pip's pins exactly (differences by design listed)`, async (t) => {
      const registry = testRegistry({
        cacheDir,
        extraIndexUrls: OFFLINE_INDEXES.map((root) => pathToFileURL(root).href),
        findLinks: existsSync(FIND_LINKS) ? [FIND_LINKS] : [],
      });
      const database = testDatabase(registry, interpreter);
      const provider = new RegistryProvider({ client: registry.client, database, target });
      const requirements = await requirementsOf(set);
      const start = performance.now();
      const resolution = await resolve(provider, {
        requirements,
        environment: target.environment,
        pythonVersion: target.pythonVersion,
      });
      const ms = performance.now() - start;
      t.diagnostic(
        `${set}: ${resolution.packages.length} packages in ${ms.toFixed(0)} ms (peak ${provider.peakConcurrency} reads in flight)`,
      );
      const ours = new Map<string, string>(
        resolution.packages.map((p) => [p.name as PackageName as string, p.version.toString()]),
      );
      const expected = pipPins(set);
      for (const [name, [pip, puffin]] of Object.entries(KNOWN_DIFFERENCES[set] ?? {})) {
        assert.equal(expected.get(name), pip, `pip pins ${name}==${pip} in ${set}`);
        expected.set(name, puffin);
      }
      const differences: string[] = [];
      for (const [name, version] of expected) {
        const got = ours.get(name);
        if (got !== version) differences.push(`${name}: pip ${version}, puffin ${got ?? "absent"}`);
      }
      for (const [name, version] of ours) {
        if (!expected.has(name)) differences.push(`${name}: pip absent, puffin ${version}`);
      }
      assert.deepEqual(differences, []);
    });
  }
});
