import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { CliContext } from "../../src/cli/cli-context.ts";
import { type FastInvocation, parseFastPath } from "../../src/cli/fast-path.ts";
import { optionKey, VENV_OPTIONS } from "../../src/cli/option-specs.ts";
import { buildProgram, runProgram } from "../../src/cli/program.ts";
import { runCli } from "../../src/cli/run-cli.ts";
import { newestPyenvPython } from "../support/pyenv-pythons.ts";
import { testDirectory } from "../support/temp-dir.ts";

const quietContext: CliContext = {
  env: {},
  streams: { stdout: { write: () => true }, stderr: { write: () => true } },
};

/** What commander's program makes of a `venv` command line: the action's inputs, not its work. */
async function commanderParse(args: string[]) {
  const program = await buildProgram(quietContext, args);
  const venv = program.commands.find((command) => command.name() === "venv")!;
  let parsed: { path: string; options: Record<string, unknown> } | undefined;
  venv.action((path: string, options: Record<string, unknown>) => {
    parsed = { path, options };
  });
  await program.parseAsync(args, { from: "user" });
  assert.ok(parsed !== undefined, `commander ran \`venv\` for ${args.join(" ")}`);
  return { globals: program.opts(), ...parsed };
}

/** Commander's `venv` options split into those of `VENV_OPTIONS` and the rest (index options). */
function splitVenvOptions(options: Record<string, unknown>) {
  const keys = new Set(VENV_OPTIONS.map(optionKey));
  const own = Object.fromEntries(Object.entries(options).filter(([key]) => keys.has(key)));
  const rest = Object.fromEntries(Object.entries(options).filter(([key]) => !keys.has(key)));
  return { own, rest };
}

describe("the fast path reads what commander reads", async () => {
  const { rest: commanderDefaults } = splitVenvOptions((await commanderParse(["venv"])).options);
  const fast: string[][] = [
    ["venv"],
    ["venv", "env", "--python", "3.12", "--prompt", "x", "--clear", "--system-site-packages"],
    ["-q", "--cache-dir", "/c", "venv", "-p", "3.12", "env"],
    ["--color=never", "-n", "venv", "--python=3.12", "env"],
    ["-v", "-v", "--verbose", "venv"],
    ["--no-cache", "--color", "always", "venv", "--prompt=my env", "-"],
    ["--cache-dir=/c", "--quiet", "venv", "--prompt", ".", "--prompt", "second"],
    ["venv", "--prompt", "", "--python=", "--clear", "--clear"],
    ["--cache-dir", "venv", "venv", "my env"],
  ];
  for (const args of fast) {
    test(`puffin ${args.join(" ")}`, async () => {
      const invocation = parseFastPath(args);
      assert.ok(invocation?.kind === "venv", "the fast path takes it");
      const commander = await commanderParse(args);
      const { own, rest } = splitVenvOptions(commander.options);
      assert.deepEqual(invocation.globals, commander.globals);
      assert.equal(invocation.path, commander.path);
      assert.deepEqual(invocation.options, own);
      assert.deepEqual(rest, commanderDefaults, "no index option is set");
    });
  }

  test("a lone --version or -V", () => {
    for (const flag of ["--version", "-V"]) {
      assert.deepEqual(parseFastPath([flag]), { kind: "version" } satisfies FastInvocation);
    }
  });

  const left: [string[], string][] = [
    [["venv", "-p", "--seed"], "a value that looks like an option"],
    [["venv", "--prompt", "-q"], "commander reads -q there as the global option"],
    [["venv", "--seed"], "--seed (the full program's)"],
    [["venv", "--index-url", "http://127.0.0.1/simple"], "an index option"],
    [["venv", "--help"], "help"],
    [["--help"], "help"],
    [["venv", "-q"], "a global option after the command"],
    [["venv", "--cache-dir", "/c"], "a global option after the command"],
    [["-p", "3.12", "venv"], "a venv option before the command"],
    [["-qn", "venv"], "combined short flags"],
    [["venv", "-p3.12"], "a value attached to a short flag"],
    [["venv", "--clear=yes"], "a value for a flag"],
    [["venv", "--", "-env"], "--"],
    [["venv", "a", "b"], "two operands"],
    [["venv", "-p"], "a missing value"],
    [["--color", "sometimes", "venv"], "a --color outside its choices"],
    [["--color=", "venv"], "an empty --color"],
    [["--frobnicate", "venv"], "an unknown option"],
    [["-V", "venv"], "--version with more arguments"],
    [["--version", "-q"], "--version with more arguments"],
    [[], "no command"],
    [["pip", "list"], "another command"],
    [["venvs"], "another command"],
  ];
  for (const [args, why] of left) {
    test(`puffin ${args.join(" ")} is left to commander: ${why}`, () => {
      assert.equal(parseFastPath(args), undefined);
    });
  }
});

const python = newestPyenvPython();

describe("the fast path and commander give the same output and exit status", {
  skip: python === undefined ? "no pyenv Python 3.8+ on this machine" : false,
}, () => {
  const root = testDirectory("fast-path");
  const cache = join(root, "cache");
  const executable = python?.executable ?? "";
  let counter = 0;

  /** Runs `args` in a fresh directory through `run`; paths under it read as `<cwd>`. */
  async function outcome(run: typeof runCli, args: string[], prepare?: (cwd: string) => void) {
    // The same name for every run's directory: `--prompt .` takes it.
    const cwd = join(root, String(counter++), "project");
    mkdirSync(cwd, { recursive: true });
    prepare?.(cwd);
    let stdout = "";
    let stderr = "";
    const status = await run(args, {
      env: { PATH: "/usr/bin:/bin", PUFFIN_CACHE_DIR: cache, SHELL: "/bin/zsh" },
      cwd,
      streams: {
        stdout: { write: (text: string) => (stdout += text) },
        stderr: { write: (text: string) => (stderr += text), isTTY: false },
      },
    });
    const config = (() => {
      try {
        return readFileSync(
          join(cwd, args.includes("env") ? "env" : ".venv", "pyvenv.cfg"),
          "utf8",
        );
      } catch {
        return undefined;
      }
    })();
    const anonymous = (text: string | undefined) => text?.replaceAll(cwd, "<cwd>");
    return { status, stdout, stderr: anonymous(stderr), config: anonymous(config) };
  }

  const existingVenv = (cwd: string) => {
    mkdirSync(join(cwd, ".venv"));
    writeFileSync(join(cwd, ".venv", "pyvenv.cfg"), "home = /nowhere\n");
  };
  const cases: [string, string[], ((cwd: string) => void)?][] = [
    ["--version", ["--version"]],
    ["-V", ["-V"]],
    ["venv", ["venv", "-p", executable]],
    ["PATH and --prompt", ["venv", "env", "--python", executable, "--prompt", "demo"]],
    ["--prompt .", ["venv", `--python=${executable}`, "--prompt", "."]],
    ["--system-site-packages", ["-q", "venv", "-p", executable, "--system-site-packages"]],
    ["-v (debug output)", ["-v", "venv", "-p", executable]],
    ["--color=always", ["--color=always", "venv", "-p", executable]],
    ["--cache-dir", ["--cache-dir", cache, "venv", "-p", executable]],
    ["--no-cache", ["-n", "venv", "-p", executable]],
    ["--clear replaces an environment", ["venv", "-p", executable, "--clear"], existingVenv],
    ["an existing environment without --clear: exit 1", ["venv", "-p", executable], existingVenv],
    ["a missing interpreter: exit 1", ["venv", "-p", "/no/such/python"]],
  ];
  for (const [name, args, prepare] of cases) {
    test(name, async () => {
      assert.notEqual(parseFastPath(args), undefined, "the fast path takes it");
      // Warm the interpreter cache first, so that both runs find it warm (`-v` shows it).
      await outcome(runCli, ["-q", "venv", "-p", executable]);
      const fast = await outcome(runCli, args, prepare);
      const commander = await outcome(runProgram, args, prepare);
      assert.deepEqual(fast, commander);
    });
  }
});
