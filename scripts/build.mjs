// Builds the distributable package into dist/:
//   dist/puffin.js          the CLI entry (`bin` in package.json): the argument parser of the fast
//                           path (`src/cli/run-cli.ts`), nothing else
//   dist/puffin-venv.js     a plain `puffin venv …`, whole in one file (no commander)
//   dist/puffin-program.js  commander's program for every other command line, with lazily
//                           loaded chunks in dist/chunks/
//   dist/index.js           the library entry (`import { Version } from "puffin"`)
//   dist/types/**.d.ts      type declarations for the library entry
// Bundling matters for speed: one file starts in ~60 ms where many ESM modules take ~80 ms.
// Code reached only through `await import()` (the network stack) lands in its own chunk, so a
// command that never touches the network never loads it.
//
// `puffin --version` and `puffin venv` are measured against Python's own startup, so their files
// are built apart, without splitting: every module file costs about a millisecond to load, and a
// split build spreads `puffin venv` over some twenty of them. `puffin venv` loads two files
// (1.4× `node -e ''` instead of 1.7×), `--version` one. Their modules also exist in the chunks
// of the program; the two never run in the same process, so nothing is shared between copies.
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(`${root}package.json`, "utf8"));

rmSync(`${root}dist`, { recursive: true, force: true });

const common = {
  absWorkingDir: root,
  outdir: "dist",
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "bundle",
  define: { __PUFFIN_VERSION__: JSON.stringify(pkg.version) },
  legalComments: "none",
  // Bundled CommonJS dependencies (commander) call require() for Node built-ins.
  banner: {
    js: 'import { createRequire as __puffinCreateRequire } from "node:module"; const require = __puffinCreateRequire(import.meta.url);',
  },
  logLevel: "warning",
};

await build({
  ...common,
  entryPoints: { "puffin-program": "src/cli/program.ts", index: "src/index.ts" },
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
});

// The modules `run-cli.ts` loads on demand, as the files the builds above and below make.
const entryFiles = { "./program.ts": "./puffin-program.js", "./fast-venv.ts": "./puffin-venv.js" };
await build({
  ...common,
  entryPoints: { puffin: "src/cli/main.ts", "puffin-venv": "src/cli/fast-venv.ts" },
  splitting: false,
  plugins: [
    {
      name: "puffin-entry-files",
      setup(build) {
        build.onResolve({ filter: /^\.\/(program|fast-venv)\.ts$/ }, (args) =>
          args.importer.endsWith("/src/cli/run-cli.ts")
            ? { path: entryFiles[args.path], external: true }
            : undefined,
        );
      },
    },
  ],
});

execFileSync(
  process.execPath,
  [`${root}node_modules/typescript/bin/tsc`, "-p", "tsconfig.build.json"],
  {
    cwd: root,
    stdio: "inherit",
  },
);
