import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { before, describe, test } from "node:test";
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

/** Runs `script` with `shell` and returns its output lines. */
function run(shell: string, args: string[], script: string): string[] {
  const result = spawnSync(shell, [...args, script], {
    encoding: "utf8",
    env: { PATH: basePath, HOME: root, VENV: venv, TERM: "dumb" },
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

  test("nushell: `overlay use bin/activate.nu`", (t) => {
    if (!which("nu")) return t.skip("nu is not installed, and there is no other checker for it");
    const script = `overlay use ($env.VENV | path join bin activate.nu)
print $env.VIRTUAL_ENV ($env.PATH | str join ':') $env.VIRTUAL_ENV_PROMPT
deactivate
print ('VIRTUAL_ENV' in $env)`;
    const lines = run("nu", ["-n", "-c"], script);
    assert.deepEqual(lines, [venv, `${venv}/bin:${basePath}`, "demo", "false"]);
  });

  test("PowerShell: `. bin/activate.ps1`", (t) => {
    if (!which("pwsh"))
      return t.skip("pwsh is not installed, and there is no other checker for it");
    const script = `. (Join-Path $env:VENV 'bin/activate.ps1')
Write-Output $env:VIRTUAL_ENV $env:PATH $env:VIRTUAL_ENV_PROMPT
deactivate
Write-Output ([bool]$env:VIRTUAL_ENV) $env:PATH`;
    const lines = run("pwsh", ["-NoProfile", "-Command"], script);
    assert.deepEqual(lines, [venv, `${venv}/bin:${basePath}`, "demo", "False", basePath]);
  });
});
