import { MarkerSet } from "./marker-set.ts";

/**
 * Pairs of comparisons that always hold together in a real interpreter: CPython and PyPy report
 * `sys_platform` `linux`, `darwin` and `win32` with `platform_system` `Linux`, `Darwin` and
 * `Windows`, Windows' `os_name` is `nt` and nobody else's, and `implementation_name` matches
 * `platform_python_implementation`.
 */
const TOGETHER: readonly (readonly [string, string])[] = [
  ["sys_platform == 'linux'", "platform_system == 'Linux'"],
  ["sys_platform == 'darwin'", "platform_system == 'Darwin'"],
  ["sys_platform == 'win32'", "platform_system == 'Windows'"],
  ["sys_platform == 'win32'", "os_name == 'nt'"],
  ["implementation_name == 'cpython'", "platform_python_implementation == 'CPython'"],
  ["implementation_name == 'pypy'", "platform_python_implementation == 'PyPy'"],
  ["implementation_name == 'graalpy'", "platform_python_implementation == 'GraalVM'"],
];

let possible: MarkerSet | undefined;

/**
 * The environments that can exist, as far as the variables' known relations go (`TOGETHER`):
 * `MarkerSet` treats variables as independent, so `sys_platform == 'linux' and platform_system
 * == 'Darwin'` is a set with members; intersected with this set it is empty. A universal
 * resolution asks its disjointness questions within it, so a dependency marked
 * `platform_system == 'Darwin'` is not needed where only Linux is resolved for.
 */
export function possibleEnvironments(): MarkerSet {
  if (possible === undefined) {
    possible = MarkerSet.TRUE;
    for (const [a, b] of TOGETHER) {
      const x = MarkerSet.parse(a);
      const y = MarkerSet.parse(b);
      possible = possible.and(x.and(y).or(x.not().and(y.not())));
    }
  }
  return possible;
}
