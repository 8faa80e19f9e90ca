import type { WheelFilename } from "../filenames/index.ts";
import { MarkerSet } from "../pep508/index.ts";

/**
 * The environments a wheel can be installed in, as far as its tags tell (uv reads them the same
 * way to leave unreachable wheels out of a lock): its platform tags say the `sys_platform`
 * (`manylinux_*`, `musllinux_*`, `linux_*`: Linux; `macosx_*`: macOS; `win*`: Windows; `any`:
 * every platform), its Python tags the implementation and the Python version (`cp312`: CPython
 * 3.12, or 3.12 and later with the `abi3` ABI; `pp310`: PyPy 3.10; `py3`: any Python 3). A tag
 * it does not know says nothing: every environment, as far as that tag goes.
 */
export function wheelMarker(wheel: WheelFilename): MarkerSet {
  let python = MarkerSet.FALSE;
  for (const tag of wheel.pythonTags) python = python.or(pythonTagMarker(tag, wheel.abiTags));
  let platform = MarkerSet.FALSE;
  for (const tag of wheel.platformTags) platform = platform.or(platformTagMarker(tag));
  return python.and(platform);
}

const PYTHON_TAG = /^(cp|pp|py)(\d)(\d*)$/;

function pythonTagMarker(tag: string, abiTags: readonly string[]): MarkerSet {
  const match = PYTHON_TAG.exec(tag);
  if (match === null) return MarkerSet.TRUE;
  const [, kind, major, minor] = match;
  const version =
    minor === ""
      ? MarkerSet.parse(`python_version >= '${major}' and python_version < '${Number(major) + 1}'`)
      : abiTags.includes("abi3")
        ? MarkerSet.parse(`python_version >= '${major}.${minor}'`)
        : MarkerSet.parse(`python_version == '${major}.${minor}'`);
  if (kind === "cp" && minor !== "") {
    return version.and(MarkerSet.parse("implementation_name == 'cpython'"));
  }
  if (kind === "pp") return version.and(MarkerSet.parse("implementation_name == 'pypy'"));
  return version;
}

function platformTagMarker(tag: string): MarkerSet {
  if (tag === "any") return MarkerSet.TRUE;
  if (/^(manylinux|musllinux|linux)/.test(tag)) return MarkerSet.parse("sys_platform == 'linux'");
  if (tag.startsWith("macosx")) return MarkerSet.parse("sys_platform == 'darwin'");
  if (tag.startsWith("win")) return MarkerSet.parse("sys_platform == 'win32'");
  return MarkerSet.TRUE;
}
