import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { MetadataHeaders, parseCoreMetadata } from "../../src/pypi-types/index.ts";

/**
 * Every wheel of the offline index that exists on this project's machines (see DESIGN.md §7):
 * its METADATA must parse, no `Requires-Dist` may be lost, and the header parser must agree with
 * Python's own `email.parser` (compat32) on the fields the resolver reads.
 */
const WHEELS = "/opt/pypi/files";

/**
 * Reads `<name>.dist-info/METADATA` (top level only) out of each wheel with Python's zipfile, and
 * what Python's email parser makes of it, into a JSON file in a temp dir. Test-only: Puffin's
 * own zip reader lives in a higher layer.
 */
const EXTRACT = `
import base64, email.parser, email.policy, json, re, sys, zipfile
out = []
for path in sys.argv[2:]:
    with zipfile.ZipFile(path) as wheel:
        names = [n for n in wheel.namelist() if re.fullmatch(r"[^/]+\\.dist-info/METADATA", n)]
        data = wheel.read(names[0])
    message = email.parser.Parser(policy=email.policy.compat32).parsestr(
        data.decode("utf-8", "surrogateescape"))
    fields = {k: [v.replace("\\r\\n", "\\n").replace("\\r", "\\n") for v in message.get_all(k) or []]
              for k in ("Name", "Version", "Requires-Dist", "Requires-Python", "Provides-Extra", "Dynamic")}
    out.append({"wheel": path.rsplit("/", 1)[-1], "metadata": base64.b64encode(data).decode(), "fields": fields})
with open(sys.argv[1], "w") as f:
    json.dump(out, f)
`;

interface Extracted {
  wheel: string;
  metadata: string;
  fields: Record<string, string[]>;
}

function extractAll(wheels: string[]): Extracted[] {
  const dir = mkdtempSync(join(tmpdir(), "puffin-metadata-"));
  try {
    const output = join(dir, "metadata.json");
    const result = spawnSync("python3", ["-c", EXTRACT, output, ...wheels], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`python3 failed: ${result.error ?? result.stderr}`);
    return JSON.parse(readFileSync(output, "utf8")) as Extracted[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("METADATA of real wheels from the offline index", () => {
  const present = existsSync(WHEELS);
  const hasPython = present && spawnSync("python3", ["--version"]).status === 0;

  test("every file parses, every Requires-Dist is kept, and headers match Python's", (t) => {
    if (!present) return t.skip(`offline index not found at ${WHEELS}`);
    if (!hasPython) return t.skip("python3 not found (needed to read the wheels' zip files)");
    const wheels = readdirSync(WHEELS)
      .filter((name) => name.endsWith(".whl"))
      .sort()
      .map((name) => join(WHEELS, name));
    const extracted = extractAll(wheels);
    assert.equal(extracted.length, wheels.length);

    let requirements = 0;
    const versions = new Map<string, number>();
    for (const { wheel, metadata: base64, fields } of extracted) {
      const bytes = Buffer.from(base64, "base64");
      const headers = MetadataHeaders.parse(bytes);
      for (const [field, values] of Object.entries(fields)) {
        assert.deepEqual(headers.getAll(field), values, `${wheel}: ${field}`);
      }
      const metadata = parseCoreMetadata(bytes);
      assert.equal(metadata.requiresDist.length, fields["Requires-Dist"]!.length, wheel);
      assert.equal(metadata.providesExtra.length, fields["Provides-Extra"]!.length, wheel);
      assert.equal(
        metadata.requiresPython === undefined,
        fields["Requires-Python"]!.length === 0,
        `${wheel}: Requires-Python`,
      );
      const [, project] = /^(.+?)-/.exec(wheel)!;
      assert.equal(metadata.name, project!.toLowerCase().replace(/[-_.]+/g, "-"), wheel);
      requirements += metadata.requiresDist.length;
      const version = metadata.metadataVersion ?? "none";
      versions.set(version, (versions.get(version) ?? 0) + 1);
    }
    const byVersion = [...versions].sort().map(([v, n]) => `${v}: ${n}`);
    t.diagnostic(
      `${extracted.length} METADATA files, ${requirements} Requires-Dist lines; Metadata-Version ${byVersion.join(", ")}`,
    );
    assert.ok(extracted.length >= 300, `expected at least 300 wheels, found ${extracted.length}`);
  });
});
