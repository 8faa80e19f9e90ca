// Builds the distributable package into dist/:
//   dist/puffin.cjs         the CLI entry (`bin` in package.json): the launcher line below, the
//                           argument parser of the fast path (`src/cli/run-cli.ts`), nothing else
//   dist/puffin-venv.cjs    a plain `puffin venv …`, whole in one file (no commander)
//   dist/puffin-program.js  commander's program for every other command line, with lazily
//                           loaded chunks in dist/chunks/
//   dist/index.js           the library entry (`import { Version } from "puffin"`)
//   dist/types/**.d.ts      type declarations for the library entry
// Bundling matters for speed: one file starts in ~60 ms where many ESM modules take ~80 ms.
// Code reached only through `await import()` (the network stack) lands in its own chunk, so a
// command that never touches the network never loads it.
//
// `puffin --version` and `puffin venv` are measured against Python's own startup, so their files
// are built apart, without splitting, as CommonJS: every module file costs about a millisecond to
// load, and Node's ESM loader alone costs 3–4 ms more than `require` (a split ESM build spread
// `puffin venv` over some twenty files). `puffin venv` loads two files, `--version` one, and in
// CommonJS each bundled module's Node built-ins are required when that module first runs, not
// all at start. Their modules also exist in the chunks of the program; the two never run in the
// same process, so nothing is shared between copies.
import { execFileSync } from "node:child_process";
import { chmodSync, readFileSync, rmSync } from "node:fs";
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

// The bin's first two lines, read by /bin/sh and by Node alike. sh runs the second line (`:` is
// its no-op command) and replaces itself with Node; Node sees a hashbang, a string and a comment.
// Node parses every CA certificate it trusts at startup, before any JavaScript runs, when
// NODE_EXTRA_CA_CERTS is set (35 ms here, more than the rest of `puffin venv`), so the launcher
// moves that variable aside for Node; `src/cli/deferred-ca-certs.ts` puts it back, and the HTTP
// client trusts those certificates itself on its first TLS connection.
const launcher = [
  "#!/bin/sh",
  `':' //; [ -z "\${NODE_EXTRA_CA_CERTS:-}" ] || { export PUFFIN_DEFERRED_NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS"; unset NODE_EXTRA_CA_CERTS; }; exec node "$0" "$@"`,
].join("\n");

const commonJs = { ...common, format: "cjs", banner: {}, splitting: false };

// The entry: commander's program is an ES module (`import()`, external); the venv file is
// CommonJS, reached through a `require` so that no ESM loader starts.
const venvModule = "puffin-venv-require";
await build({
  ...commonJs,
  entryPoints: { puffin: "src/cli/main.ts" },
  outExtension: { ".js": ".cjs" },
  banner: { js: launcher },
  plugins: [
    {
      name: "puffin-entry-files",
      setup(build) {
        const fromRunCli = (args) => args.importer.endsWith("/src/cli/run-cli.ts");
        build.onResolve({ filter: /^\.\/program\.ts$/ }, (args) =>
          fromRunCli(args) ? { path: "./puffin-program.js", external: true } : undefined,
        );
        build.onResolve({ filter: /^\.\/fast-venv\.ts$/ }, (args) =>
          fromRunCli(args) ? { path: venvModule, namespace: venvModule } : undefined,
        );
        build.onResolve({ filter: /^\.\/puffin-venv\.cjs$/ }, (args) => ({
          path: args.path,
          external: true,
        }));
        build.onLoad({ filter: /.*/, namespace: venvModule }, () => ({
          contents: 'module.exports = require("./puffin-venv.cjs");',
          loader: "js",
          resolveDir: root,
        }));
      },
    },
  ],
});
await build({
  ...commonJs,
  entryPoints: { "puffin-venv": "src/cli/fast-venv.ts" },
  outExtension: { ".js": ".cjs" },
});
chmodSync(`${root}dist/puffin.cjs`, 0o755);

execFileSync(
  process.execPath,
  [`${root}node_modules/typescript/bin/tsc`, "-p", "tsconfig.build.json"],
  {
    cwd: root,
    stdio: "inherit",
  },
);
