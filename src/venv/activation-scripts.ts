import { shQuote } from "../support/index.ts";

/**
 * The activation scripts of a virtual environment, one per shell, written for the environment
 * at an absolute `location` (each script names it literally, like virtualenv's and uv's do;
 * `activate_this.py` finds it from its own path instead). Each script:
 * - defines `deactivate`, and first runs `deactivate nondestructive` so activating twice or
 *   switching environments restores the original state;
 * - sets `VIRTUAL_ENV` and `VIRTUAL_ENV_PROMPT` (the prompt, or the directory's name), puts
 *   `$VIRTUAL_ENV/bin` first on PATH, and unsets `PYTHONHOME` (restored by `deactivate`);
 * - prefixes the shell's prompt with `(prompt) ` unless `VIRTUAL_ENV_DISABLE_PROMPT` is set.
 *
 * Behaviour follows virtualenv's and CPython's `venv` scripts; the text is Puffin's own.
 */
export interface ActivationContext {
  /** The absolute path of the environment. */
  location: string;
  /** `--prompt`, or `undefined` for the environment directory's name. */
  prompt: string | undefined;
  /** The `sys.path` directories of the environment, relative to its root (site-packages). */
  sitePackages: readonly string[];
  puffinVersion: string;
}

/** File name (in `bin/`) → content. */
export function activationScripts(context: ActivationContext): Map<string, string> {
  return new Map([
    ["activate", posixShScript(context)],
    ["activate.fish", fishScript(context)],
    ["activate.csh", cshScript(context)],
    ["activate.nu", nushellScript(context)],
    ["activate.ps1", powershellScript(context)],
    ["activate_this.py", activateThisScript(context)],
  ]);
}

/** fish: inside single quotes only `\` and `'` are special. */
function fishQuote(text: string): string {
  return `'${text.replaceAll("\\", "\\\\").replaceAll("'", "\\'")}'`;
}

/** csh: like sh, plus history expansion, which fires even inside single quotes. */
function cshQuote(text: string): string {
  return shQuote(text).replaceAll("!", "\\!");
}

/** Nushell: a raw string `r#'…'#` with enough `#` that the text cannot close it. */
function nuQuote(text: string): string {
  let hashes = "#";
  while (text.includes(`'${hashes}`)) hashes += "#";
  return `r${hashes}'${text}'${hashes}`;
}

/** PowerShell: single-quoted, `'` doubled. */
function powershellQuote(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function posixShScript({ location, prompt, puffinVersion }: ActivationContext): string {
  const promptValue = prompt === undefined ? `"$(basename "$VIRTUAL_ENV")"` : shQuote(prompt);
  return `# Activates the virtual environment at ${location} (written by Puffin ${puffinVersion}).
# Source it from bash, zsh or another POSIX shell: \`source bin/activate\`; undo with \`deactivate\`.

if [ "\${BASH_SOURCE-}" = "$0" ]; then
    echo "This script must be sourced, not run: source $0" >&2
    exit 33
fi

deactivate () {
    if [ -n "\${_OLD_VIRTUAL_PATH+set}" ]; then
        PATH="$_OLD_VIRTUAL_PATH"
        export PATH
        unset _OLD_VIRTUAL_PATH
    fi
    if [ -n "\${_OLD_VIRTUAL_PYTHONHOME+set}" ]; then
        PYTHONHOME="$_OLD_VIRTUAL_PYTHONHOME"
        export PYTHONHOME
        unset _OLD_VIRTUAL_PYTHONHOME
    fi
    if [ -n "\${_OLD_VIRTUAL_PS1+set}" ]; then
        PS1="$_OLD_VIRTUAL_PS1"
        unset _OLD_VIRTUAL_PS1
    fi
    unset VIRTUAL_ENV VIRTUAL_ENV_PROMPT
    # Forget remembered command locations so the old PATH takes effect.
    hash -r 2>/dev/null || true
    if [ "\${1-}" != "nondestructive" ]; then
        unset -f deactivate
    fi
}

deactivate nondestructive

VIRTUAL_ENV=${shQuote(location)}
export VIRTUAL_ENV

_OLD_VIRTUAL_PATH="$PATH"
PATH="$VIRTUAL_ENV/bin:$PATH"
export PATH

VIRTUAL_ENV_PROMPT=${promptValue}
export VIRTUAL_ENV_PROMPT

if [ -n "\${PYTHONHOME+set}" ]; then
    _OLD_VIRTUAL_PYTHONHOME="$PYTHONHOME"
    unset PYTHONHOME
fi

if [ -z "\${VIRTUAL_ENV_DISABLE_PROMPT-}" ]; then
    _OLD_VIRTUAL_PS1="\${PS1-}"
    PS1="(\${VIRTUAL_ENV_PROMPT}) \${PS1-}"
fi

hash -r 2>/dev/null || true
`;
}

function fishScript({ location, prompt, puffinVersion }: ActivationContext): string {
  const promptValue = prompt === undefined ? `(basename "$VIRTUAL_ENV")` : fishQuote(prompt);
  return `# Activates the virtual environment at ${location} (written by Puffin ${puffinVersion}).
# Source it from fish: \`source bin/activate.fish\`; undo with \`deactivate\`.

function deactivate -d 'Leave the virtual environment'
    if set -q _OLD_VIRTUAL_PATH
        set -gx PATH $_OLD_VIRTUAL_PATH
        set -e _OLD_VIRTUAL_PATH
    end
    if set -q _OLD_VIRTUAL_PYTHONHOME
        set -gx PYTHONHOME $_OLD_VIRTUAL_PYTHONHOME
        set -e _OLD_VIRTUAL_PYTHONHOME
    end
    if set -q _OLD_FISH_PROMPT_OVERRIDE
        set -e _OLD_FISH_PROMPT_OVERRIDE
        if functions -q _old_fish_prompt
            functions -e fish_prompt
            functions -c _old_fish_prompt fish_prompt
            functions -e _old_fish_prompt
        end
    end
    set -e VIRTUAL_ENV
    set -e VIRTUAL_ENV_PROMPT
    if test "$argv[1]" != nondestructive
        functions -e deactivate
    end
end

deactivate nondestructive

set -gx VIRTUAL_ENV ${fishQuote(location)}
set -gx _OLD_VIRTUAL_PATH $PATH
set -gx PATH "$VIRTUAL_ENV/bin" $PATH
set -gx VIRTUAL_ENV_PROMPT ${promptValue}

if set -q PYTHONHOME
    set -gx _OLD_VIRTUAL_PYTHONHOME $PYTHONHOME
    set -e PYTHONHOME
end

if test -z "$VIRTUAL_ENV_DISABLE_PROMPT"; and functions -q fish_prompt
    functions -c fish_prompt _old_fish_prompt
    function fish_prompt
        # Keep the last command's status visible to the original prompt.
        set -l old_status $status
        printf '(%s) ' $VIRTUAL_ENV_PROMPT
        echo "exit $old_status" | source
        _old_fish_prompt
    end
    set -gx _OLD_FISH_PROMPT_OVERRIDE "$VIRTUAL_ENV"
end
`;
}

function cshScript({ location, prompt, puffinVersion }: ActivationContext): string {
  const promptValue = prompt === undefined ? '"$VIRTUAL_ENV:t"' : cshQuote(prompt);
  return `# Activates the virtual environment at ${location} (written by Puffin ${puffinVersion}).
# Source it from csh or tcsh: \`source bin/activate.csh\`; undo with \`deactivate\`.

alias deactivate 'test $?_OLD_VIRTUAL_PATH != 0 && setenv PATH "$_OLD_VIRTUAL_PATH:q" && unset _OLD_VIRTUAL_PATH; rehash; test $?_OLD_VIRTUAL_PROMPT != 0 && set prompt="$_OLD_VIRTUAL_PROMPT:q" && unset _OLD_VIRTUAL_PROMPT; test $?_OLD_VIRTUAL_PYTHONHOME != 0 && setenv PYTHONHOME "$_OLD_VIRTUAL_PYTHONHOME:q" && unset _OLD_VIRTUAL_PYTHONHOME; unsetenv VIRTUAL_ENV; unsetenv VIRTUAL_ENV_PROMPT; test "\\!:*" != "nondestructive" && unalias deactivate'

deactivate nondestructive

setenv VIRTUAL_ENV ${cshQuote(location)}
set _OLD_VIRTUAL_PATH="$PATH:q"
setenv PATH "$VIRTUAL_ENV:q/bin:$PATH:q"
setenv VIRTUAL_ENV_PROMPT ${promptValue}

if ( $?PYTHONHOME ) then
    set _OLD_VIRTUAL_PYTHONHOME="$PYTHONHOME:q"
    unsetenv PYTHONHOME
endif

if ( ! $?VIRTUAL_ENV_DISABLE_PROMPT ) then
    if ( $?prompt ) then
        set _OLD_VIRTUAL_PROMPT="$prompt:q"
        set prompt = "($VIRTUAL_ENV_PROMPT:q) $prompt:q"
    endif
endif

rehash
`;
}

function nushellScript({ location, prompt, puffinVersion }: ActivationContext): string {
  const promptValue = prompt === undefined ? "($venv | path basename)" : nuQuote(prompt);
  return `# Activates the virtual environment at ${location} (written by Puffin ${puffinVersion}).
# Load it as an overlay in Nushell: \`overlay use bin/activate.nu\`; undo with \`deactivate\`.
# The overlay keeps the previous environment, so hiding it restores PATH and the prompt.

export-env {
    let venv = ${nuQuote(location)}
    let path_name = if 'Path' in $env { 'Path' } else { 'PATH' }
    let old_path = ($env | get $path_name)
    let old_path_list = if ($old_path | describe) == 'string' { $old_path | split row (char esep) } else { $old_path }
    let venv_prompt = ${promptValue}
    let environment = ({}
        | insert $path_name ($old_path_list | prepend ($venv | path join 'bin'))
        | insert VIRTUAL_ENV $venv
        | insert VIRTUAL_ENV_PROMPT $venv_prompt)
    load-env $environment
    hide-env -i PYTHONHOME
    if not ('VIRTUAL_ENV_DISABLE_PROMPT' in $env) {
        let old_prompt = if 'PROMPT_COMMAND' in $env { $env.PROMPT_COMMAND } else { '' }
        let prefix = '(' + $venv_prompt + ') '
        let new_prompt = if ($old_prompt | describe) =~ '^closure' {
            {|| $prefix + (do $old_prompt) }
        } else {
            {|| $prefix + $old_prompt }
        }
        $env.PROMPT_COMMAND = $new_prompt
    }
}

export alias deactivate = overlay hide activate
`;
}

function powershellScript({ location, prompt, puffinVersion }: ActivationContext): string {
  const promptValue =
    prompt === undefined ? "(Split-Path -Leaf $env:VIRTUAL_ENV)" : powershellQuote(prompt);
  return `# Activates the virtual environment at ${location} (written by Puffin ${puffinVersion}).
# Dot-source it from PowerShell: \`. bin/activate.ps1\`; undo with \`deactivate\`.

function global:deactivate([switch] $NonDestructive) {
    if (Test-Path variable:_OLD_VIRTUAL_PATH) {
        $env:PATH = $variable:_OLD_VIRTUAL_PATH
        Remove-Variable -Name _OLD_VIRTUAL_PATH -Scope global
    }
    if (Test-Path variable:_OLD_VIRTUAL_PYTHONHOME) {
        $env:PYTHONHOME = $variable:_OLD_VIRTUAL_PYTHONHOME
        Remove-Variable -Name _OLD_VIRTUAL_PYTHONHOME -Scope global
    }
    if (Test-Path function:_old_virtual_prompt) {
        $function:prompt = $function:_old_virtual_prompt
        Remove-Item function:_old_virtual_prompt
    }
    if (Test-Path env:VIRTUAL_ENV) { Remove-Item env:VIRTUAL_ENV }
    if (Test-Path env:VIRTUAL_ENV_PROMPT) { Remove-Item env:VIRTUAL_ENV_PROMPT }
    if (-not $NonDestructive) { Remove-Item function:deactivate }
}

deactivate -NonDestructive

$env:VIRTUAL_ENV = ${powershellQuote(location)}
New-Variable -Name _OLD_VIRTUAL_PATH -Value $env:PATH -Scope global
$env:PATH = (Join-Path $env:VIRTUAL_ENV 'bin') + [System.IO.Path]::PathSeparator + $env:PATH
$env:VIRTUAL_ENV_PROMPT = ${promptValue}

if (Test-Path env:PYTHONHOME) {
    New-Variable -Name _OLD_VIRTUAL_PYTHONHOME -Value $env:PYTHONHOME -Scope global
    Remove-Item env:PYTHONHOME
}

if (-not $env:VIRTUAL_ENV_DISABLE_PROMPT) {
    function global:_old_virtual_prompt { "" }
    $function:_old_virtual_prompt = $function:prompt
    function global:prompt {
        Write-Host -NoNewline "($env:VIRTUAL_ENV_PROMPT) "
        _old_virtual_prompt
    }
}
`;
}

function activateThisScript({ prompt, sitePackages, puffinVersion }: ActivationContext): string {
  const promptValue = prompt === undefined ? "os.path.basename(base)" : JSON.stringify(prompt);
  return `"""Activates this virtual environment inside a running Python (written by Puffin ${puffinVersion}).

    path = "<venv>/bin/activate_this.py"
    exec(open(path).read(), {"__file__": path})

Puts the environment's bin first on PATH, sets VIRTUAL_ENV, and puts its site-packages first on
sys.path, as if the environment's own python had been started.
"""
import os
import site
import sys

try:
    bin_dir = os.path.dirname(os.path.abspath(__file__))
except NameError:
    raise AssertionError("run activate_this.py with exec(open(path).read(), {'__file__': path})")

base = os.path.dirname(bin_dir)
os.environ["PATH"] = os.pathsep.join([bin_dir] + os.environ.get("PATH", "").split(os.pathsep))
os.environ["VIRTUAL_ENV"] = base
os.environ["VIRTUAL_ENV_PROMPT"] = ${promptValue}

previous_length = len(sys.path)
for relative in ${JSON.stringify(sitePackages)}:
    site.addsitedir(os.path.realpath(os.path.join(base, relative)))
sys.path[:] = sys.path[previous_length:] + sys.path[:previous_length]

sys.real_prefix = sys.prefix
sys.prefix = base
sys.exec_prefix = base
`;
}
