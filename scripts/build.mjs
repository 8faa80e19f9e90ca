// Builds the distributable package into dist/:
//   dist/puffin.js      the CLI (bundled; `bin` in package.json), with lazily loaded chunks
//   dist/index.js       the library entry (`import { Version } from "puffin"`)
//   dist/types/**.d.ts  type declarations for the library entry
// Bundling matters for speed: one file starts in ~60 ms where many ESM modules take ~80 ms.
// Code reached only through `await import()` (the network stack) lands in its own chunk, so a
// command that never touches the network never loads it.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${root}package.json`, "utf8"));

rmSync(`${root}dist`, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: { puffin: "src/cli/main.ts", index: "src/index.ts" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "bundle",
  chunkNames: "chunks/[name]-[hash]",
  define: { __PUFFIN_VERSION__: JSON.stringify(pkg.version) },
  legalComments: "none",
  // Bundled CommonJS dependencies (commander) call require() for Node built-ins.
  banner: {
    js: 'import { createRequire as __puffinCreateRequire } from "node:module"; const require = __puffinCreateRequire(import.meta.url);',
  },
  logLevel: "warning",
});

execFileSync(
  process.execPath,
  [`${root}node_modules/typescript/bin/tsc`, "-p", "tsconfig.build.json"],
  {
    cwd: root,
    stdio: "inherit",
  },
);
