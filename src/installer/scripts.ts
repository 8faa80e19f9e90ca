import { shQuote } from "../support/index.ts";
import type { ScriptEntryPoint } from "./wheel-info.ts";

/**
 * Scripts: the interpreter line of `.data/scripts/` files and the launchers generated for entry
 * points, POSIX only.
 *
 * The kernel reads at most 127 bytes of a `#!` line (Linux `BINPRM_BUF_SIZE` before 5.1) and
 * splits it at spaces, so a Python path that is longer or holds a space cannot follow `#!`.
 * Then the script starts as a shell script that re-executes itself with Python; the second line
 * is a shell `exec` and, to Python, the start of a string literal ending on the third line, so
 * Python ignores both (pip, installer and uv all write exactly this).
 */
export function shebangFor(python: string): string {
  if (python.length + 2 > 127 || /\s/.test(python)) {
    return `#!/bin/sh\n'''exec' ${shQuote(python)} "$0" "$@"\n' '''\n`;
  }
  return `#!${python}\n`;
}

const encoder = new TextEncoder();
/** `#!python` */
const PYTHON_SHEBANG = [0x23, 0x21, 0x70, 0x79, 0x74, 0x68, 0x6f, 0x6e];

/** The number of leading bytes `hasPythonShebang` needs. */
export const PYTHON_SHEBANG_LENGTH = PYTHON_SHEBANG.length;

/** Whether `content` (or at least its first `PYTHON_SHEBANG_LENGTH` bytes) starts with `#!python`. */
export function hasPythonShebang(content: Uint8Array): boolean {
  if (content.length < PYTHON_SHEBANG.length) return false;
  for (let i = 0; i < PYTHON_SHEBANG.length; i++) {
    if (content[i] !== PYTHON_SHEBANG[i]) return false;
  }
  return true;
}

/**
 * A `.data/scripts/` file whose first line starts with `#!python` (also `#!pythonw`, with or
 * without arguments) gets that line replaced by the environment's interpreter line; any other
 * content is returned as `undefined` (installed unchanged). The binary distribution format:
 * "If the file starts with #!python, rewrite to point to the correct interpreter."
 */
export function rewriteShebang(content: Uint8Array, python: string): Uint8Array | undefined {
  if (!hasPythonShebang(content)) return undefined;
  const newline = content.indexOf(0x0a);
  const rest = newline < 0 ? new Uint8Array(0) : content.subarray(newline + 1);
  const head = encoder.encode(shebangFor(python));
  const out = new Uint8Array(head.length + rest.length);
  out.set(head);
  out.set(rest, head.length);
  return out;
}

/**
 * The launcher for a console or GUI entry point (on POSIX both are the same script): imports the
 * object's first attribute from its module and calls the full path, as pip and installer write
 * it, including the `argv[0]` clean-up of Windows launcher suffixes.
 */
export function launcherScript(entry: ScriptEntryPoint, python: string): string {
  const importName = entry.attr.split(".")[0]!;
  return (
    shebangFor(python) +
    "# -*- coding: utf-8 -*-\n" +
    "import re\n" +
    "import sys\n" +
    `from ${entry.module} import ${importName}\n` +
    'if __name__ == "__main__":\n' +
    '    sys.argv[0] = re.sub(r"(-script\\.pyw|\\.exe)?$", "", sys.argv[0])\n' +
    `    sys.exit(${entry.attr}())\n`
  );
}
