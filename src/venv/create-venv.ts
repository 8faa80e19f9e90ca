import { lstatSync, readdirSync, renameSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import type { Interpreter } from "../interpreter/index.ts";
import { fsError, isFsFault, makeDirectorySync, PuffinError } from "../support/index.ts";
import { activationScripts } from "./activation-scripts.ts";

export interface CreateVenvOptions {
  /** Where the environment goes; made absolute against the current directory. */
  location: string;
  /** The base interpreter (not itself required to be outside a venv). */
  interpreter: Interpreter;
  /** `--prompt`; `undefined` leaves `pyvenv.cfg` without one (shells show the directory name). */
  prompt: string | undefined;
  /** `--system-site-packages`: the base interpreter's site-packages stay on `sys.path`. */
  systemSitePackages: boolean;
  /** `--clear`: replace an existing virtual environment (never any other directory). */
  clear: boolean;
  /** Written to `pyvenv.cfg` as `puffin = …`. */
  puffinVersion: string;
}

export interface CreatedVenv {
  /** The absolute path of the environment. */
  location: string;
  /** Its interpreter, `<location>/bin/python`. */
  python: string;
  /** The base interpreter the environment's `bin/python` links to. */
  baseExecutable: string;
}

/**
 * Writes a virtual environment directly, without running Python's `venv` module, in the layout
 * CPython's `venv` produces on POSIX (https://docs.python.org/3/library/venv.html, PEP 405):
 *
 *   <location>/
 *     pyvenv.cfg            home, implementation, version_info, include-system-site-packages,
 *                           prompt (when given), puffin
 *     .gitignore            `*`: the environment never ends up in git
 *     bin/python, python3, python3.X   symlinks to the base interpreter
 *     bin/activate, activate.fish, activate.csh, activate.nu, activate.ps1, activate_this.py
 *     lib/pythonX.Y/site-packages/     (the interpreter's own `venv` scheme says where)
 *     lib64 -> lib          on 64-bit POSIX other than macOS, as `venv` does
 *
 * The environment is built in a temporary sibling directory and renamed into place, so an
 * interrupted run never leaves half an environment at `location`. An existing virtual
 * environment (a directory with `pyvenv.cfg`) is replaced only with `clear`; an empty directory
 * is used; anything else is refused.
 *
 * Only CPython on POSIX is supported; other implementations and Windows fail with
 * `unsupported-venv`.
 */
export async function createVenv(options: CreateVenvOptions): Promise<CreatedVenv> {
  const location = resolve(options.location);
  const { interpreter } = options;
  checkSupported(interpreter, location);
  const existing = inspectTarget(location);
  if (existing === "venv" && !options.clear) {
    throw new PuffinError(
      "venv-exists",
      `A virtual environment already exists at \`${location}\``,
      { hint: "use `--clear` to replace it" },
    );
  }
  if (existing === "occupied") {
    throw new PuffinError(
      "venv-path-occupied",
      `\`${location}\` exists and is not a virtual environment; Puffin will not overwrite it`,
      { hint: "choose another path, or remove it first" },
    );
  }
  const baseExecutable = findBaseExecutable(interpreter);
  // The pid keeps concurrent Puffins apart, the random part a reused pid from a leftover of a
  // killed run. Math.random, not node:crypto, whose loading would cost a tenth of this command.
  const random = Math.random().toString(16).slice(2, 10);
  const staging = join(dirname(location), `.${basename(location)}.puffin-${process.pid}-${random}`);
  try {
    writeLayout(staging, { ...options, location, baseExecutable });
    if (existing === "venv" || existing === "empty") {
      // Move the old one aside first so the swap is two renames, then delete it.
      const trash = `${staging}.old`;
      renameSync(location, trash);
      renameSync(staging, location);
      await rm(trash, { recursive: true, force: true });
    } else {
      renameSync(staging, location);
    }
  } catch (cause) {
    await rm(staging, { recursive: true, force: true }).catch(() => {});
    if (cause instanceof PuffinError) throw cause;
    // A full disk, a read-only or foreign-owned directory: one line naming the environment.
    if (isFsFault(cause)) {
      throw fsError(cause, { operation: "create the virtual environment at", path: location });
    }
    throw new PuffinError(
      "venv-write-failed",
      `Failed to create the virtual environment at \`${location}\``,
      { cause },
    );
  }
  return { location, python: join(location, "bin", "python"), baseExecutable };
}

function checkSupported(interpreter: Interpreter, location: string): void {
  const { implementationName } = interpreter.info;
  if (process.platform === "win32" || interpreter.markers.os_name !== "posix") {
    throw new PuffinError(
      "unsupported-venv",
      "Puffin creates virtual environments on POSIX systems only (Linux, macOS) for now",
    );
  }
  if (implementationName !== "cpython") {
    throw new PuffinError(
      "unsupported-venv",
      `Puffin cannot create a virtual environment for ${interpreter.markers.platform_python_implementation} (\`${interpreter.executable}\`) yet; only CPython is supported`,
    );
  }
  if (/[\n\r]/.test(location)) {
    throw new PuffinError(
      "invalid-venv-path",
      `The virtual environment path \`${JSON.stringify(location)}\` contains a line break`,
    );
  }
}

type TargetState = "absent" | "empty" | "venv" | "occupied";

function inspectTarget(location: string): TargetState {
  let entries: string[];
  try {
    const stats = lstatSync(location);
    if (!stats.isDirectory()) return "occupied";
    entries = readdirSync(location);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "absent";
    throw new PuffinError("venv-write-failed", `Cannot read \`${location}\``, { cause: error });
  }
  if (entries.length === 0) return "empty";
  return entries.includes("pyvenv.cfg") ? "venv" : "occupied";
}

/**
 * The interpreter the environment's `bin/python` links to. For a base interpreter that is
 * `sys._base_executable` (or `sys.executable`). When Puffin is pointed at a venv's python, the
 * new environment must link to the base installation, not to the other venv: its
 * `sys._base_executable` when it lies outside that venv (3.11+ compute it from `home`), else
 * the `pythonX.Y` in the base prefix's `bin`.
 */
function findBaseExecutable(interpreter: Interpreter): string {
  const { info } = interpreter;
  const executable = info.baseExecutable ?? info.executable;
  if (!interpreter.isVirtualenv || !isInside(executable, info.prefix)) return executable;
  const [major, minor] = interpreter.pythonMinor;
  return join(info.basePrefix, "bin", `python${major}.${minor}`);
}

function isInside(path: string, directory: string): boolean {
  return path === directory || path.startsWith(`${directory}/`);
}

/**
 * Writes the environment's files into `root`. Synchronously: they are a dozen small files, and
 * each asynchronous call would cost a round trip through libuv's thread pool (about 0.1 ms
 * each on a busy machine, several times the call itself).
 */
function writeLayout(
  root: string,
  options: CreateVenvOptions & { location: string; baseExecutable: string },
): void {
  const { interpreter, location, baseExecutable } = options;
  const { venvScheme, versionInfo, markers, pointerBits } = interpreter.info;
  const [major, minor] = interpreter.pythonMinor;
  try {
    statSync(baseExecutable);
  } catch (cause) {
    throw new PuffinError(
      "venv-base-missing",
      `The base interpreter \`${baseExecutable}\` of \`${interpreter.executable}\` does not exist`,
      { cause },
    );
  }
  const bin = join(root, venvScheme.scripts);
  makeDirectorySync(bin);
  const sitePackages = [...new Set([venvScheme.purelib, venvScheme.platlib])];
  for (const directory of sitePackages) {
    // With a `lib64/…` platlib the lib64 link below makes it the same directory.
    makeDirectorySync(join(root, directory.replace(/^lib64\//, "lib/")));
  }
  if (pointerBits === 64 && markers.sys_platform !== "darwin") {
    symlinkSync("lib", join(root, "lib64"));
  }
  for (const name of ["python", `python${major}`, `python${major}.${minor}`]) {
    symlinkSync(baseExecutable, join(bin, name));
  }
  const scripts = activationScripts({
    location,
    prompt: options.prompt,
    sitePackages,
    puffinVersion: options.puffinVersion,
  });
  for (const [name, text] of scripts) writeFileSync(join(bin, name), text);
  writeFileSync(join(root, ".gitignore"), "*\n");
  const config: [string, string][] = [
    ["home", dirname(baseExecutable)],
    ["implementation", markers.platform_python_implementation],
    ["version_info", versionInfo.join(".")],
    ["include-system-site-packages", options.systemSitePackages ? "true" : "false"],
  ];
  if (options.prompt !== undefined) config.push(["prompt", options.prompt]);
  config.push(["puffin", options.puffinVersion]);
  writeFileSync(
    join(root, "pyvenv.cfg"),
    config.map(([key, value]) => `${key} = ${value}\n`).join(""),
  );
}
