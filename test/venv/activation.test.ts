import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { activationScripts } from "../../src/venv/activation-scripts.ts";
import { createVenv } from "../../src/venv/index.ts";
import { fakeInterpreter } from "../support/fake-venv.ts";
import { testDirectory } from "../support/temp-dir.ts";

const root = testDirectory("activation");
// A path that needs quoting in every shell.
const venv = join(root, "it's a venv");
const basePath = "/usr/local/bin:/usr/bin:/bin";

before(async () => {
  await createVenv({
    location: venv,
    interpreter: fakeInterpreter(join(root, "base")),
    prompt: "demo",
    systemSitePackages: false,
    clear: false,
    puffinVersion: "0.0.0-test",
  });
});

function which(program: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${program}`], { stdio: "ignore" }).status === 0;
}

/**
 * Nushell: `nu` in node_modules/.bin (`npm install --no-save nushell` puts the official binary
 * there) or on PATH. It is not a devDependency: the registry these machines reach lacks the
 * package's other platform binaries (`@nushell/darwin-arm64` is a 404), so the lock file would
 * miss them and `npm ci` would refuse it.
 */
function findNu(): string | undefined {
  const local = fileURLToPath(new URL("../../node_modules/.bin/nu", import.meta.url));
  if (existsSync(local)) return local;
  return which("nu") ? "nu" : undefined;
}

/** Runs `script` with `shell` and returns its output lines. */
function run(
  shell: string,
  args: string[],
  script: string,
  env: Record<string, string> = {},
): string[] {
  const result = spawnSync(shell, [...args, script], {
    encoding: "utf8",
    env: { PATH: basePath, HOME: root, VENV: venv, TERM: "dumb", ...env },
  });
  assert.equal(result.status, 0, `${shell} failed: ${result.stderr}`);
  return result.stdout.split("\n").slice(0, -1);
}

/** What every shell must print: activated state, then the state after `deactivate`. */
const expected = [
  venv,
  `${venv}/bin:${basePath}`,
  `${venv}/bin/python`,
  "demo",
  "(demo) > ",
  "unset",
  basePath,
  "> ",
];

const posixScript = `PS1='> '
. "$VENV/bin/activate"
printf '%s\\n' "$VIRTUAL_ENV" "$PATH" "$(command -v python)" "$VIRTUAL_ENV_PROMPT" "$PS1"
deactivate
printf '%s\\n' "\${VIRTUAL_ENV-unset}" "$PATH" "$PS1"
`;

describe("activation scripts, run by their shells", () => {
  for (const shell of ["bash", "zsh", "dash"]) {
    test(`${shell}: \`. bin/activate\` sets VIRTUAL_ENV, PATH and the prompt; deactivate restores them`, (t) => {
      if (!which(shell)) return t.skip(`${shell} is not installed`);
      assert.deepEqual(run(shell, ["-c"], posixScript), expected);
    });
  }

  test("bash: running bin/activate instead of sourcing it fails with a message", (t) => {
    if (!which("bash")) return t.skip("bash is not installed");
    const result = spawnSync("bash", [join(venv, "bin", "activate")], { encoding: "utf8" });
    assert.equal(result.status, 33);
    assert.match(result.stderr, /must be sourced/);
  });

  test("bash: activating twice, then deactivating, restores the original PATH", (t) => {
    if (!which("bash")) return t.skip("bash is not installed");
    const script = `. "$VENV/bin/activate"; . "$VENV/bin/activate"; deactivate; printf '%s\\n' "$PATH"`;
    assert.deepEqual(run("bash", ["-c"], script), [basePath]);
  });

  test("fish: `source bin/activate.fish`", (t) => {
    if (!which("fish")) return t.skip("fish is not installed (apt-get install fish)");
    const script = `function fish_prompt; printf '> '; end
source "$VENV/bin/activate.fish"
printf '%s\\n' "$VIRTUAL_ENV" "$PATH" (command -v python) "$VIRTUAL_ENV_PROMPT" (fish_prompt)
deactivate
set -q VIRTUAL_ENV; and echo $VIRTUAL_ENV; or echo unset
printf '%s\\n' "$PATH" (fish_prompt)
`;
    assert.deepEqual(run("fish", ["--no-config", "-c"], script), expected);
  });

  for (const shell of ["tcsh", "csh"]) {
    test(`${shell}: \`source bin/activate.csh\``, (t) => {
      if (!which(shell)) return t.skip(`${shell} is not installed (apt-get install tcsh)`);
      const script = `set prompt='> '
source "$VENV/bin/activate.csh"
printf '%s\\n' "$VIRTUAL_ENV" "$PATH" "\`which python\`" "$VIRTUAL_ENV_PROMPT" "$prompt"
deactivate
if ( $?VIRTUAL_ENV ) then
  echo "$VIRTUAL_ENV"
else
  echo unset
endif
printf '%s\\n' "$PATH" "$prompt"
`;
      assert.deepEqual(run(shell, ["-f", "-c"], script), expected);
    });
  }

  test("nushell: `overlay use bin/activate.nu` sets VIRTUAL_ENV, PATH and the prompt; deactivate restores them", (t) => {
    const nu = findNu();
    if (nu === undefined) {
      return t.skip(
        "nu is neither in node_modules/.bin (npm install --no-save nushell) nor on PATH",
      );
    }
    // `overlay use` needs its path at parse time, so it is written into the script literally
    // (a JSON string is a valid Nushell double-quoted string).
    const activate = JSON.stringify(join(venv, "bin", "activate.nu"));
    const script = `$env.PROMPT_COMMAND = {|| '> ' }
overlay use ${activate}
print $env.VIRTUAL_ENV ($env.PATH | str join ':') (which python | get path.0) $env.VIRTUAL_ENV_PROMPT (do $env.PROMPT_COMMAND) ('PYTHONHOME' in $env)
deactivate
print (if 'VIRTUAL_ENV' in $env { $env.VIRTUAL_ENV } else { 'unset' }) ($env.PATH | str join ':') (do $env.PROMPT_COMMAND) $env.PYTHONHOME`;
    const lines = run(nu, ["--no-config-file", "-c"], script, { PYTHONHOME: "/python-home" });
    assert.deepEqual(lines, [
      ...expected.slice(0, 5),
      "false",
      ...expected.slice(5),
      "/python-home",
    ]);
  });

  test("PowerShell: `. bin/activate.ps1`", (t) => {
    if (!which("pwsh")) return t.skip("pwsh is not installed (activate.ps1 is only parsed, below)");
    const script = `. (Join-Path $env:VENV 'bin/activate.ps1')
Write-Output $env:VIRTUAL_ENV $env:PATH $env:VIRTUAL_ENV_PROMPT
deactivate
Write-Output ([bool]$env:VIRTUAL_ENV) $env:PATH`;
    const lines = run("pwsh", ["-NoProfile", "-Command"], script);
    assert.deepEqual(lines, [venv, `${venv}/bin:${basePath}`, "demo", "False", basePath]);
  });
});

/**
 * No pwsh can be installed here (Debian has none; npm's `pwsh` downloads it at install time), so
 * activate.ps1 is at least parsed: tree-sitter's PowerShell grammar (`tree-sitter-powershell`,
 * its prebuilt .wasm) run by `web-tree-sitter`, both devDependencies. Returns the ERROR and
 * MISSING nodes as `row:column type`, or undefined when the parser is not installed.
 */
async function powershellSyntaxErrors(script: string): Promise<string[] | undefined> {
  let treeSitter: typeof import("web-tree-sitter");
  let grammar: string;
  try {
    treeSitter = await import("web-tree-sitter");
    grammar = fileURLToPath(
      import.meta.resolve("tree-sitter-powershell/tree-sitter-powershell.wasm"),
    );
  } catch {
    return undefined;
  }
  await treeSitter.Parser.init();
  const parser = new treeSitter.Parser();
  parser.setLanguage(await treeSitter.Language.load(grammar));
  const tree = parser.parse(script);
  assert.ok(tree !== null, "the PowerShell parser returned no tree");
  const problems: string[] = [];
  const visit = (node: import("web-tree-sitter").Node): void => {
    if (node.isError || node.isMissing) {
      const { row, column } = node.startPosition;
      problems.push(
        `${row + 1}:${column + 1} ${node.isMissing ? `MISSING ${node.type}` : "ERROR"}`,
      );
    }
    for (const child of node.children) if (child !== null) visit(child);
  };
  visit(tree.rootNode);
  parser.delete();
  tree.delete();
  return problems;
}

describe("activate.ps1, parsed by tree-sitter's PowerShell grammar", () => {
  const unavailable =
    "web-tree-sitter or tree-sitter-powershell (devDependencies) is not installed";

  test("parses without errors, with and without a --prompt", async (t) => {
    const scripts = [
      activationScripts({
        location: venv,
        prompt: 'it\'s "demo"',
        sitePackages: [],
        puffinVersion: "0",
      }),
      activationScripts({
        location: "/srv/plain",
        prompt: undefined,
        sitePackages: [],
        puffinVersion: "0",
      }),
    ];
    for (const script of scripts) {
      const errors = await powershellSyntaxErrors(script.get("activate.ps1")!);
      if (errors === undefined) return t.skip(unavailable);
      assert.deepEqual(errors, []);
    }
  });

  test("a broken script is reported (so the check above can fail)", async (t) => {
    const script = activationScripts({
      location: venv,
      prompt: "demo",
      sitePackages: [],
      puffinVersion: "0",
    }).get("activate.ps1")!;
    const broken = [
      // The closing brace of `deactivate` removed.
      script.replace(
        "    if (-not $NonDestructive) { Remove-Item function:deactivate }\n}",
        "    if (-not $NonDestructive) { Remove-Item function:deactivate }",
      ),
      // An unterminated string.
      script.replace("$env:VIRTUAL_ENV = '", "$env:VIRTUAL_ENV = \"'"),
      // A condition without its closing parenthesis.
      script.replace("if (Test-Path env:PYTHONHOME)", "if (Test-Path env:PYTHONHOME"),
    ];
    for (const text of broken) {
      assert.notEqual(text, script);
      const errors = await powershellSyntaxErrors(text);
      if (errors === undefined) return t.skip(unavailable);
      assert.notDeepEqual(errors, [], text);
    }
  });
});
