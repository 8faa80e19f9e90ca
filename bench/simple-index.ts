// Parsing PEP 503 project pages: Puffin's tokenizer + file classification next to pip's own
// `parse_links` (html.parser + Link objects), in the same run over the same pages.
//   node --import tsx bench/simple-index.ts [runs]
// Pages: every project page of the offline index, and a synthetic PyPI-sized page (3,250 files
// with hashes, data-requires-python and PEP 658 attributes, like numpy's). Medians of `runs` passes.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { PackageName } from "../src/normalize/index.ts";
import { parseSimpleHtmlProject } from "../src/pypi-types/index.ts";
import { median, timeMs } from "./measure.ts";

const runs = Number(process.argv[2] ?? 7);
const ROOTS = ["/opt/pypi/simple", "/opt/pypi-more/simple"];

interface Page {
  url: string;
  name: PackageName;
  html: string;
}

const offline: Page[] = ROOTS.filter(existsSync).flatMap((root) =>
  readdirSync(root)
    .map((dir) => join(root, dir, "index.html"))
    .filter(existsSync)
    .map((path) => ({
      url: pathToFileURL(path).href,
      name: PackageName.parse(path.split("/").at(-2)!),
      html: readFileSync(path, "utf8"),
    })),
);

const TAGS = ["cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64", "cp312-cp312-win_amd64"];
TAGS.push("cp311-cp311-macosx_10_9_x86_64", "cp312-cp312-musllinux_1_1_x86_64", "cp39-cp39-win32");
const digest = "0123456789abcdef".repeat(4);
const anchors: string[] = [];
for (let minor = 0; minor < 650; minor++) {
  for (const tag of TAGS) {
    const file = `numpy-1.${minor}.0-${tag}.whl`;
    anchors.push(
      `<a href="https://files.example/packages/${digest}/${file}#sha256=${digest}" ` +
        `data-requires-python="&gt;=3.9" data-dist-info-metadata="sha256=${digest}" ` +
        `data-core-metadata="sha256=${digest}">${file}</a><br />`,
    );
  }
}
const synthetic: Page = {
  url: "https://pypi.example/simple/numpy/",
  name: PackageName.parse("numpy"),
  html: `<!DOCTYPE html><html><head><meta name="pypi:repository-version" content="1.1"></head><body>\n${anchors.join("\n")}\n</body></html>\n`,
};

function puffinMs(pages: readonly Page[]): number {
  const passes: number[] = [];
  for (let run = 0; run < runs; run++) {
    passes.push(
      timeMs(() => {
        for (const { html, url, name } of pages)
          parseSimpleHtmlProject(html, { url, packageName: name });
      }),
    );
  }
  return median(passes);
}

/** pip 23's parser: `parse_links` over an `IndexContent`, each link's filename and hashes read. */
const PIP = `
import json, statistics, sys, time
from pip._internal.index.collector import IndexContent, parse_links
pages = json.load(open(sys.argv[1]))
runs = int(sys.argv[2])
contents = [IndexContent(p["html"].encode(), "text/html", "utf-8", p["url"], cache_link_parsing=False) for p in pages]
passes = []
for _ in range(runs):
    start = time.perf_counter()
    for content in contents:
        for link in parse_links(content):
            link.filename, link.hash, link.requires_python, link.metadata_link()
    passes.append((time.perf_counter() - start) * 1000)
print(statistics.median(passes))
`;

function pipMs(pages: readonly Page[]): number | undefined {
  const dir = mkdtempSync(join(tmpdir(), "puffin-bench-simple-"));
  try {
    writeFileSync(join(dir, "pages.json"), JSON.stringify(pages));
    const result = spawnSync("python3", ["-c", PIP, join(dir, "pages.json"), String(runs)], {
      encoding: "utf8",
    });
    return result.status === 0 ? Number(result.stdout.trim()) : undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sets: [string, Page[]][] = [
  [`synthetic PyPI-sized page (${anchors.length} files)`, [synthetic]],
];
if (offline.length > 0) sets.unshift([`all ${offline.length} offline project pages`, offline]);
else console.error(`No offline index found (looked in ${ROOTS.join(", ")}); synthetic page only.`);

console.log(`median of ${runs} passes; pip is python3 -m pip's parse_links`);
console.log("| pages | puffin | pip | ratio |\n|---|---|---|---|");
for (const [label, pages] of sets) {
  const puffin = puffinMs(pages);
  const pip = pipMs(pages);
  const pipText = pip === undefined ? "unavailable" : `${pip.toFixed(1)} ms`;
  const ratio = pip === undefined ? "" : `${(pip / puffin).toFixed(1)}x`;
  console.log(`| ${label} | ${puffin.toFixed(1)} ms | ${pipText} | ${ratio} |`);
}
