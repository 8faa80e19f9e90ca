import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { type FileLine, readRequirementsLines } from "../../src/requirements-txt/file-lines.ts";
import {
  localFileReader,
  parseRequirementsFile,
  RequirementsFileError,
} from "../../src/requirements-txt/index.ts";
import corpus from "../corpora/pip/req_file_cases.json" with { type: "json" };

/**
 * pip's own requirements-file tests (tests/unit/test_req_file.py at pypa/pip 6d30920, pip 26.3.dev0)
 * with the answers of pip's `RequirementsFileParser`: the logical lines, after joins, comments,
 * `${VAR}` expansion and includes, each with its file, first physical line, requirement text and
 * the options that differ from their defaults.
 */
interface CorpusCase {
  origin: string;
  entry: string;
  files: Record<string, string>;
  files_base64?: Record<string, string>;
  env?: Record<string, string>;
  constraint?: boolean;
  requirement_invalid?: boolean;
  lines: unknown[];
  error?: { type: string; message: string };
}

/**
 * Cases where pip's line parser accepts a requirement that Puffin rejects as soon as it parses
 * it (pip's own tests look only at the lines, and pip would reject these too, later: when it
 * builds the requirement, or when it fetches the URL). The full parse must fail on the
 * requirement, as for the `requirement_invalid` cases. Case origin → reason.
 */
const REJECTED_REQUIREMENTS = new Map([
  ["TestJoinLines.test_join_lines", "`line2a line2b` is two words, not a requirement"],
  [
    "TestParseRequirements.test_expand_missing_env_variables",
    "the unexpanded URL has the host `%WINDOWS_FORMAT%github.com`, which is not a valid URL",
  ],
]);

const root = mkdtempSync(join(tmpdir(), "puffin-req-corpus-"));
after(() => rmSync(root, { recursive: true, force: true }));

function writeCase(index: number, c: CorpusCase): string {
  const dir = join(root, String(index));
  mkdirSync(dir);
  const files: [string, Buffer][] = [
    ...Object.entries(c.files).map(([name, text]) => [name, Buffer.from(text)] as [string, Buffer]),
    ...Object.entries(c.files_base64 ?? {}).map(
      ([name, data]) => [name, Buffer.from(data, "base64")] as [string, Buffer],
    ),
  ];
  for (const [name, bytes] of files) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  return dir;
}

/** A line in the shape pip's parser reports it. */
function asPipLine({ line, constraint }: FileLine) {
  const options: Record<string, unknown> = {};
  const o = line.options;
  if (o.indexUrl !== undefined) options["index_url"] = o.indexUrl;
  if (o.extraIndexUrls.length > 0) options["extra_index_urls"] = o.extraIndexUrls;
  if (o.findLinks.length > 0) options["find_links"] = o.findLinks;
  if (o.noIndex) options["no_index"] = true;
  if (o.pre) options["pre"] = true;
  if (o.preferBinary) options["prefer_binary"] = true;
  if (o.requireHashes) options["require_hashes"] = true;
  if (o.trustedHosts.length > 0) options["trusted_hosts"] = o.trustedHosts;
  if (o.hashes.length > 0) {
    const hashes: Record<string, string[]> = {};
    for (const hash of o.hashes) {
      const [algorithm, digest] = hash.split(/:(.*)/s) as [string, string];
      hashes[algorithm] = [...(hashes[algorithm] ?? []), digest];
    }
    options["hashes"] = hashes;
  }
  if (o.configSettings.size > 0) options["config_settings"] = Object.fromEntries(o.configSettings);
  const { noBinary, onlyBinary } = o.formatControl;
  if (noBinary.length + onlyBinary.length > 0) {
    options["format_control"] = {
      no_binary: [...noBinary].sort(),
      only_binary: [...onlyBinary].sort(),
    };
  }
  const { allReleases, onlyFinal } = o.releaseControl;
  if (allReleases.length + onlyFinal.length > 0) {
    options["release_control"] = {
      all_releases: [...allReleases].sort(),
      only_final: [...onlyFinal].sort(),
    };
  }
  return {
    file: line.location.file,
    lineno: line.location.line,
    requirement: line.kind === "requirement" ? line.text : null,
    is_editable: line.kind === "requirement" && line.editable,
    constraint,
    options,
  };
}

describe("pip's requirements-file corpus", () => {
  const cases = corpus.cases as unknown as CorpusCase[];

  test("holds the 73 cases it was generated with", () => {
    assert.equal(cases.length, 73);
  });

  cases.forEach((c, index) => {
    test(c.origin, async () => {
      const workingDir = writeCase(index, c);
      const options = {
        workingDir,
        env: c.env ?? {},
        reader: localFileReader,
        constraint: c.constraint ?? false,
      };
      if (c.error !== undefined) {
        await assert.rejects(readRequirementsLines(c.entry, options), RequirementsFileError);
        await assert.rejects(parseRequirementsFile(c.entry, options), RequirementsFileError);
        return;
      }
      const lines = await readRequirementsLines(c.entry, options);
      assert.deepEqual(lines.map(asPipLine), c.lines);

      if (c.requirement_invalid || REJECTED_REQUIREMENTS.has(c.origin)) {
        await assert.rejects(
          parseRequirementsFile(c.entry, options),
          (error: unknown) =>
            error instanceof RequirementsFileError &&
            error.code === "requirements-file-requirement",
        );
      } else {
        await parseRequirementsFile(c.entry, options);
      }
    });
  });
});
