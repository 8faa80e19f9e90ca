import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { useColor } from "../../src/cli/color.ts";
import { runPuffin } from "../support/run-puffin.ts";

const puffin = (args: string[], env: NodeJS.ProcessEnv = {}) => runPuffin(args, { env });

describe("puffin (global behaviour)", () => {
  test("--version and -V print the version on stdout and exit 0", async () => {
    for (const flag of ["--version", "-V"]) {
      const { status, stdout } = await puffin([flag]);
      assert.equal(status, 0);
      assert.match(stdout, /^puffin \d+\.\d+\.\d+\S*\n$/);
    }
  });

  test("--help and -h print usage and the global options, exit 0", async () => {
    for (const flag of ["--help", "-h"]) {
      const { status, stdout } = await puffin([flag]);
      assert.equal(status, 0);
      assert.match(stdout, /Usage: puffin \[OPTIONS\] <COMMAND>/);
      for (const option of ["--quiet", "--verbose", "--color <WHEN>", "--version"]) {
        assert.ok(stdout.includes(option), `help mentions ${option}`);
      }
    }
  });

  test("no command prints the help on stderr and exits 2", async () => {
    const { status, stdout, stderr } = await puffin([]);
    assert.equal(status, 2);
    assert.equal(stdout, "");
    assert.match(stderr, /Usage: puffin/);
  });

  const usageErrors: [string[], RegExp][] = [
    [["frobnicate"], /^error: unrecognized subcommand 'frobnicate'\n/],
    [["--frobnicate"], /^error: unknown option '--frobnicate'\n/],
    [["--color", "sometimes"], /^error: option '--color <WHEN>' argument 'sometimes' is invalid/],
    [["-q", "frobnicate"], /^error: unrecognized subcommand 'frobnicate'\n/],
  ];
  for (const [args, message] of usageErrors) {
    test(`\`puffin ${args.join(" ")}\` is a usage error: exit 2 with a clear message`, async () => {
      const { status, stdout, stderr } = await puffin(args);
      assert.equal(status, 2);
      assert.equal(stdout, "");
      assert.match(stderr, message);
      assert.match(stderr, /For more information, try '--help'\.\n$/);
    });
  }

  test("errors are colored only when color is on", async () => {
    const plain = await puffin(["--color", "never", "frobnicate"]);
    assert.ok(!plain.stderr.includes("\u001b["));
    const colored = await puffin(["--color", "always", "frobnicate"]);
    assert.ok(colored.stderr.includes("\u001b["));
  });
});

describe("color policy", () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  const cases: [string, Parameters<typeof useColor>, boolean][] = [
    ["always wins over NO_COLOR", ["always", { NO_COLOR: "1" }, pipe], true],
    ["never wins over FORCE_COLOR", ["never", { FORCE_COLOR: "1" }, tty], false],
    ["auto follows a terminal", ["auto", {}, tty], true],
    ["auto is off on a pipe", ["auto", {}, pipe], false],
    ["NO_COLOR turns auto off on a terminal", ["auto", { NO_COLOR: "1" }, tty], false],
    ["an empty NO_COLOR is ignored", ["auto", { NO_COLOR: "" }, tty], true],
    ["FORCE_COLOR turns auto on on a pipe", ["auto", { FORCE_COLOR: "1" }, pipe], true],
    ["FORCE_COLOR=0 does not force", ["auto", { FORCE_COLOR: "0" }, pipe], false],
  ];
  for (const [name, args, expected] of cases) {
    test(name, () => assert.equal(useColor(...args), expected));
  }
});

describe("help text (built from the option specs the fast path also reads)", () => {
  test("`puffin --help` lists the global options exactly so", async () => {
    const { stdout } = await puffin(["--help"]);
    const options = stdout.slice(stdout.indexOf("Options:"), stdout.indexOf("Commands:"));
    assert.equal(
      options,
      [
        "Options:",
        "  -V, --version            Print version",
        "  -q, --quiet              Do not print any output",
        "  -v, --verbose            Use verbose output (repeat for more: -vv)",
        '  --color <WHEN>           Control colors in output (choices: "auto", "always",',
        '                           "never", default: "auto")',
        "  --no-progress            Hide progress outputs (spinners and bars; summary",
        "                           lines remain) [env: PUFFIN_NO_PROGRESS=]",
        "  --cache-dir <CACHE_DIR>  Path to the cache directory [env: PUFFIN_CACHE_DIR=]",
        "  -n, --no-cache           Avoid reading from or writing to the cache, instead",
        "                           using a temporary directory for the duration of the",
        "                           operation [env: PUFFIN_NO_CACHE=]",
        "  -h, --help               Print help",
        "",
        "",
      ].join("\n"),
    );
  });

  test("`puffin venv --help` shows PATH and the venv options first, in order", async () => {
    const { stdout } = await puffin(["venv", "--help"]);
    // Column widths follow the longest option (an index option), so compare words only.
    const words = stdout.replace(/\s+/g, " ");
    const expected = [
      "Usage: puffin venv [options] [PATH] Create a virtual environment Arguments:",
      'PATH The path of the virtual environment to create (default: ".venv") Options:',
      "-p, --python <PYTHON> The interpreter to use: a path, an executable name (python3.12) or a version (3.12, >=3.10)",
      "--prompt <PROMPT> The prompt shown while the environment is active ('.' for the current directory's name)",
      "--system-site-packages Give the environment access to the base interpreter's site-packages",
      "--clear Replace an existing virtual environment at PATH",
      "--seed Install seed packages",
    ].join(" ");
    assert.ok(words.startsWith(expected), words);
  });
});
