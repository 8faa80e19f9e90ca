import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { promisify } from "node:util";
import { BIN, NOT_BUILT, PACKAGE_ROOT, PACKAGE_VERSION } from "../support/built-package.ts";
import { IndexServer } from "../support/index-server.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { testDirectory } from "../support/temp-dir.ts";
import { buildWheel } from "../support/wheel-builder.ts";

const run = promisify(execFile);
const dir = testDirectory("bundle");
const python = newestPyenvPython();

// The built package is what users run; `npm test` builds it before running the tests.
describe("the built package", {
  skip: NOT_BUILT,
}, () => {
  test("`puffin --version` runs from the bundle and reports package.json's version", () => {
    const result = spawnSync(process.execPath, [BIN, "--version"], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, `puffin ${PACKAGE_VERSION}\n`);
  });

  // undici is CommonJS; bundled, its chunk exports only `default`, which source runs never see.
  test("the bundle reaches an HTTP index (the lazily loaded network stack works bundled)", {
    skip: python === undefined ? "no pyenv Python 3.8+ on this machine" : false,
  }, async () => {
    writeFileSync(join(dir, "requirements.in"), "demo\n");
    const server = await IndexServer.start({
      files: [buildWheel({ name: "demo", version: "1.0" })],
    });
    try {
      const args = [BIN, "-n", "pip", "compile", "requirements.in", "--no-header"];
      args.push("-p", python!.executable, "-i", server.indexUrl);
      const { stdout } = await run(process.execPath, args, { cwd: dir });
      assert.match(stdout, /^demo==1\.0$/m);
    } finally {
      await server.close();
    }
  });

  // `puffin --version` and a plain `puffin venv` are measured against Python's startup: they
  // load one file and two files, and never commander (see scripts/build.mjs).
  const distDir = new URL("dist/", PACKAGE_ROOT);
  // A message code only commander's own source holds.
  const commanderMarker = "commander.unknownOption";
  test("the CLI entry and the venv file require only Node built-ins and hold no commander", () => {
    const allowed = { "puffin.cjs": ["./puffin-venv.cjs"], "puffin-venv.cjs": [] as string[] };
    for (const [name, files] of Object.entries(allowed)) {
      const text = readFileSync(new URL(name, distDir), "utf8");
      const specifiers = [...text.matchAll(/\brequire\("([^"]+)"\)/g)].map((match) => match[1]!);
      assert.ok(specifiers.length > 0, `${name} has requires to check`);
      for (const specifier of specifiers) {
        if (files.includes(specifier)) continue;
        assert.match(specifier, /^node:/, `${name} requires only built-ins and ${files}`);
      }
      assert.ok(!text.includes(commanderMarker), `${name} holds no commander`);
    }
    const program = readFileSync(new URL("puffin-program.js", distDir), "utf8");
    assert.match(program, /from "\.\/chunks\//, "the program's chunks are imported statically");
  });

  /**
   * The files of dist/ a run of the bundle loads: CommonJS files as `require.cache` holds them at
   * exit (a preloaded script), ES modules as an ESM loader hook sees them.
   */
  function loadedFiles(args: string[]): { files: string[]; status: number | null } {
    const hooks = join(dir, "record-loads.mjs");
    writeFileSync(
      hooks,
      [
        'import { appendFileSync } from "node:fs";',
        "export async function load(url, context, next) {",
        '  if (url.startsWith("file:")) appendFileSync(process.env.PUFFIN_TEST_LOADS, url + "\\n");',
        "  return next(url, context);",
        "}",
      ].join("\n"),
    );
    const register = join(dir, "register-loads.mjs");
    writeFileSync(
      register,
      `import { register } from "node:module";\nregister(${JSON.stringify(`file://${hooks}`)});\n`,
    );
    const requires = join(dir, "record-requires.cjs");
    writeFileSync(
      requires,
      [
        'const { appendFileSync } = require("node:fs");',
        'const { pathToFileURL } = require("node:url");',
        'process.on("exit", () => {',
        "  for (const file of Object.keys(require.cache)) {",
        '    appendFileSync(process.env.PUFFIN_TEST_LOADS, pathToFileURL(file).href + "\\n");',
        "  }",
        "});",
      ].join("\n"),
    );
    const record = join(dir, `loads-${args.join("-").replace(/\W+/g, "_")}.txt`);
    writeFileSync(record, "");
    const preloads = ["--require", requires, "--import", register];
    const result = spawnSync(process.execPath, [...preloads, BIN, ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, PUFFIN_TEST_LOADS: record },
    });
    const files = readFileSync(record, "utf8")
      .split("\n")
      .filter((url) => url.startsWith(distDir.href))
      .map((url) => url.slice(distDir.href.length));
    return { files: [...new Set(files)].sort(), status: result.status };
  }

  test("`puffin --version` loads puffin.cjs alone", () => {
    assert.deepEqual(loadedFiles(["--version"]), { files: ["puffin.cjs"], status: 0 });
  });

  test("`puffin venv` loads puffin.cjs and puffin-venv.cjs, nothing else", {
    skip: python === undefined ? "no pyenv Python 3.8+ on this machine" : false,
  }, () => {
    const args = [
      "-q",
      "--cache-dir",
      join(dir, "cache"),
      "venv",
      "loaded",
      "-p",
      python!.executable,
    ];
    assert.deepEqual(loadedFiles(args), {
      files: ["puffin-venv.cjs", "puffin.cjs"],
      status: 0,
    });
  });

  test("other command lines load commander's program", () => {
    const { files, status } = loadedFiles(["venv", "--help"]);
    assert.equal(status, 0);
    assert.ok(files.includes("puffin.cjs"));
    assert.ok(files.includes("puffin-program.js"));
    assert.ok(!files.includes("puffin-venv.cjs"));
    const commander = files.filter((file) =>
      readFileSync(new URL(file, distDir), "utf8").includes(commanderMarker),
    );
    assert.equal(commander.length, 1, "one of the loaded files is commander's chunk");
  });

  test("an unknown flag exits 2 from the bundle too", () => {
    const result = spawnSync(process.execPath, [BIN, "--no-such-flag"], { encoding: "utf8" });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^error: unknown option '--no-such-flag'/);
  });

  test("the library entry exports the standards core", async () => {
    const library = (await import(new URL("dist/index.js", PACKAGE_ROOT).href)) as Record<
      string,
      unknown
    >;
    const names = ["Version", "VersionSpecifiers", "VersionRange", "Requirement", "MarkerTree"];
    names.push("WheelFilename", "SourceDistFilename", "Tags", "PackageName", "parseCoreMetadata");
    names.push("parseRequirementsFile", "PuffinError");
    for (const name of names) assert.ok(name in library, `dist/index.js exports ${name}`);
  });

  test("a TypeScript consumer type-checks against the shipped declarations", () => {
    const consumer = mkdtempSync(join(tmpdir(), "puffin-consumer-"));
    mkdirSync(join(consumer, "node_modules"));
    symlinkSync(new URL(".", PACKAGE_ROOT).pathname, join(consumer, "node_modules", "puffin"));
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ type: "module" }));
    writeFileSync(
      join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { module: "NodeNext", strict: true, noEmit: true, types: [] },
      }),
    );
    writeFileSync(
      join(consumer, "use.ts"),
      [
        'import { Requirement, Version, VersionSpecifiers, type PackageName } from "puffin";',
        'const name: PackageName = Requirement.parse("flask>=3").name;',
        'const ok: boolean = VersionSpecifiers.parse(">=3").contains(Version.parse("3.1"));',
        "// @ts-expect-error: a Version is not a string",
        'const wrong: string = Version.parse("1.0");',
        "export { name, ok, wrong };",
      ].join("\n"),
    );
    const tsc = new URL("node_modules/typescript/bin/tsc", PACKAGE_ROOT).pathname;
    const result = spawnSync(process.execPath, [tsc, "-p", consumer], { encoding: "utf8" });
    assert.equal(result.status, 0, result.stdout + result.stderr);
  });
});
