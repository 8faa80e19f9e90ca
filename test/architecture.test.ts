// The layer rules of `src/`, made mechanical. Every folder of `src/` is a module with a rank; a
// module may import a module of a lower rank only, and only through that module's `index.ts`
// (its public face), which exports only what other modules use; files import each other without
// cycles. The table is the one the README's "Architecture" section shows, and this test checks
// that the two agree.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { describe, test } from "node:test";

const root = new URL("../", import.meta.url).pathname;
const src = join(root, "src");

/** Rank of each module (a folder of `src/`): lower ranks are the foundations. */
const LAYERS: readonly (readonly string[])[] = [
  ["support"],
  ["normalize", "pep440", "zip", "platform-tags"],
  ["pep508", "filenames"],
  ["pypi-types", "requirements-txt", "pylock", "cache"],
  ["interpreter", "git", "distribution-types"],
  ["client", "venv", "build-context"],
  ["build"],
  ["distribution"],
  ["resolver", "installer"],
  ["dispatch"],
  ["operations"],
  ["cli"],
];

const rank = new Map<string, number>();
LAYERS.forEach((modules, index) => {
  for (const module of modules) rank.set(module, index + 1);
});

interface Import {
  readonly from: string;
  readonly to: string;
  readonly typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => relative(src, join(entry.parentPath, entry.name)));
}

const IMPORT =
  /(import\s+type\s|import\s|export\s+type\s|export\s)[^;]*?from\s*["'](\.[^"']+)["']|import\(\s*["'](\.[^"']+)["']\s*\)/g;

function importsOf(file: string): Import[] {
  const text = readFileSync(join(src, file), "utf8");
  const found: Import[] = [];
  for (const match of text.matchAll(IMPORT)) {
    const specifier = match[2] ?? match[3]!;
    const to = normalize(join(dirname(file), specifier));
    found.push({ from: file, to, typeOnly: match[1]?.includes("type") === true });
  }
  return found;
}

/** `import { a, type B, c as d } from "./x"` and `export { … } from "./x"`: the names, the path. */
const NAMED_IMPORT = /(?:import|export)\s+(?:type\s+)?\{([^}]*)\}\s*from\s*["'](\.[^"']+)["']/g;
const LAZY_IMPORT = /import\(\s*["'](\.[^"']+)["']\s*\)/g;
/** A name of an import or export list without `type` and the `as` alias of an import. */
const bareName = (item: string) =>
  item
    .trim()
    .replace(/^type\s+/, "")
    .split(/\s+as\s+/)[0]!
    .trim();

const moduleOf = (file: string) => (file.includes("/") ? file.split("/")[0]! : "");
const files = sourceFiles(src);
const imports = files.flatMap(importsOf);

describe("architecture", () => {
  test("every module of src/ has a rank in the layer table", () => {
    const modules = new Set(files.map(moduleOf).filter((m) => m !== ""));
    assert.deepEqual([...modules].filter((m) => !rank.has(m)).sort(), []);
  });

  test("a module imports lower-ranked modules only, and only through their index.ts", () => {
    const violations: string[] = [];
    for (const { from, to } of imports) {
      const source = moduleOf(from);
      const target = moduleOf(to);
      if (source === "" || source === target) continue; // src/index.ts is the library's face
      if (!to.endsWith("/index.ts") || to.split("/").length !== 2) {
        violations.push(`${from} → ${to}: import ${target}/index.ts, its public face`);
      }
      if ((rank.get(target) ?? 0) >= (rank.get(source) ?? 0)) {
        violations.push(
          `${from} → ${to}: ${source} (rank ${rank.get(source)}) may not import ${target} (rank ${rank.get(target)})`,
        );
      }
    }
    assert.deepEqual(violations, []);
  });

  test("a module's index.ts exports only what other modules (or the library) use", () => {
    // Static imports name what they take; a lazy `await import(…)` is destructured nearby, so a
    // name counts as taken when the importing file's code (comments left out) mentions it.
    const taken = new Map<string, Set<string>>();
    const take = (module: string, name: string) =>
      taken.set(module, (taken.get(module) ?? new Set()).add(name));
    for (const file of files) {
      const text = readFileSync(join(src, file), "utf8");
      const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, "");
      for (const match of text.matchAll(NAMED_IMPORT)) {
        const to = moduleOf(normalize(join(dirname(file), match[2]!)));
        if (to === moduleOf(file)) continue;
        for (const name of match[1]!.split(",")) take(to, bareName(name));
      }
      for (const match of text.matchAll(LAZY_IMPORT)) {
        const to = moduleOf(normalize(join(dirname(file), match[1]!)));
        if (to === moduleOf(file)) continue;
        for (const word of code.match(/\b[A-Za-z_$][\w$]*\b/g) ?? []) take(to, word);
      }
    }
    const unused: string[] = [];
    for (const module of rank.keys()) {
      if (module === "cli") continue; // the bin's entry: its face serves the bundle and tests
      const face = readFileSync(join(src, module, "index.ts"), "utf8");
      for (const match of face.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
        for (const name of match[1]!.split(",")) {
          const exported = bareName(name.split(/\s+as\s+/).at(-1)!);
          if (exported !== "" && !taken.get(module)?.has(exported)) {
            unused.push(`${module}/index.ts exports ${exported}, which no other module uses`);
          }
        }
      }
    }
    assert.deepEqual(unused, []);
  });

  test("no import cycles between files (type-only imports included)", () => {
    const graph = new Map<string, string[]>();
    for (const { from, to } of imports) graph.set(from, [...(graph.get(from) ?? []), to]);
    const state = new Map<string, "open" | "done">();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === "done") return;
      if (state.get(file) === "open") {
        cycles.push([...path.slice(path.indexOf(file)), file].join(" → "));
        return;
      }
      state.set(file, "open");
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, "done");
    };
    for (const file of files) visit(file, []);
    assert.deepEqual(cycles, []);
  });

  test("the README's architecture table is this table", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Architecture"));
    const rows = [...section.matchAll(/^\| (\d+) \| ([^|]+) \|/gm)].map((row) => [
      Number(row[1]),
      row[2]!.split(",").map((cell) => cell.trim().replaceAll("`", "")),
    ]);
    assert.deepEqual(
      rows,
      LAYERS.map((modules, index) => [index + 1, [...modules]]),
    );
  });
});
