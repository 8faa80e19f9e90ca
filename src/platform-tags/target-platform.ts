import { PuffinError } from "../support/index.ts";
import type { Arch, Platform } from "./platform.ts";

/**
 * The PEP 508 markers that a platform decides (the part of a `MarkerEnvironment` it replaces);
 * the Python-version and implementation ones it does not.
 */
export interface PlatformMarkers {
  readonly os_name: string;
  readonly platform_machine: string;
  readonly platform_release: string;
  readonly platform_system: string;
  readonly platform_version: string;
  readonly sys_platform: string;
}

/**
 * A `--python-platform` target: a platform to resolve for other than the one Python runs on, by
 * uv's name for it. Its markers replace the interpreter's platform markers, and its `Platform`
 * decides the wheel tags; the Python version and implementation stay the interpreter's (or
 * `--python-version`'s). https://docs.astral.sh/uv/reference/cli/#uv-pip-compile--python-platform
 */
export interface TargetPlatform {
  /** The name it was asked by, an alias resolved to uv's name (`manylinux_2_28_x86_64` → `x86_64-manylinux_2_28`). */
  readonly name: string;
  readonly platform: Platform;
  readonly markers: PlatformMarkers;
}

/** The options that refine a name (what the environment says about the target). */
export interface TargetPlatformOptions {
  /**
   * `MACOSX_DEPLOYMENT_TARGET` (`12`, `14.2`): the macOS version of the macOS targets, as uv
   * reads it; 13.0 (the oldest macOS Apple still supports, uv's default) when unset or unreadable.
   */
  readonly macosDeploymentTarget?: string | undefined;
}

type Os = "windows" | "macos" | "manylinux" | "musllinux";

interface Entry {
  readonly os: Os;
  readonly arch: Arch;
  /** glibc (manylinux) or musl (musllinux) version. */
  readonly libc?: readonly [number, number];
}

/** uv's default macOS version for the macOS targets. */
const DEFAULT_MACOS: readonly [number, number] = [13, 0];

/** The glibc versions uv names manylinux targets for (besides `manylinux2014`, which is 2.17). */
const GLIBC_MINORS = [17, 28, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40];

/**
 * The names `--help` and the error list, in uv's order: the three aliases, Rust's target
 * triples, then one name per manylinux version for x86-64 and arm64. uv's defaults: `linux` and
 * `*-unknown-linux-gnu` are manylinux 2.28 (glibc 2.28: RHEL 8, Debian 10 and later),
 * `*-unknown-linux-musl` musllinux 1.2, `riscv64-unknown-linux` manylinux 2.39.
 */
const LISTED = new Map<string, Entry>([
  ["windows", { os: "windows", arch: "x86_64" }],
  ["linux", { os: "manylinux", arch: "x86_64", libc: [2, 28] }],
  ["macos", { os: "macos", arch: "aarch64" }],
  ["x86_64-pc-windows-msvc", { os: "windows", arch: "x86_64" }],
  ["aarch64-pc-windows-msvc", { os: "windows", arch: "aarch64" }],
  ["i686-pc-windows-msvc", { os: "windows", arch: "i686" }],
  ["x86_64-unknown-linux-gnu", { os: "manylinux", arch: "x86_64", libc: [2, 28] }],
  ["aarch64-apple-darwin", { os: "macos", arch: "aarch64" }],
  ["x86_64-apple-darwin", { os: "macos", arch: "x86_64" }],
  ["aarch64-unknown-linux-gnu", { os: "manylinux", arch: "aarch64", libc: [2, 28] }],
  ["aarch64-unknown-linux-musl", { os: "musllinux", arch: "aarch64", libc: [1, 2] }],
  ["x86_64-unknown-linux-musl", { os: "musllinux", arch: "x86_64", libc: [1, 2] }],
  ["riscv64-unknown-linux", { os: "manylinux", arch: "riscv64", libc: [2, 39] }],
  ...manylinuxEntries("x86_64", GLIBC_MINORS),
  ...manylinuxEntries("aarch64", GLIBC_MINORS),
]);

/**
 * Names uv accepts but leaves out of its help (the less common Linux architectures), and the
 * platform-tag spellings of the manylinux names (`manylinux_2_28_x86_64`).
 */
const UNLISTED = new Map<string, Entry>([
  ["s390x-unknown-linux-gnu", { os: "manylinux", arch: "s390x", libc: [2, 28] }],
  ["powerpc64le-unknown-linux-gnu", { os: "manylinux", arch: "ppc64le", libc: [2, 28] }],
  ["loongarch64-unknown-linux-gnu", { os: "manylinux", arch: "loongarch64", libc: [2, 36] }],
  ...manylinuxEntries("s390x", GLIBC_MINORS),
  ...manylinuxEntries("ppc64le", GLIBC_MINORS),
  ...manylinuxEntries("loongarch64", [36, 37, 38, 39, 40]),
]);

/** Tag-style spelling → uv's name, for every manylinux name. */
const TAG_ALIASES = new Map<string, string>(
  [...LISTED, ...UNLISTED].flatMap(([name, entry]): [string, string][] => {
    const match = /^([a-z0-9_]+)-(manylinux.*)$/.exec(name);
    return match === null || entry.os !== "manylinux" ? [] : [[`${match[2]}_${match[1]}`, name]];
  }),
);

function manylinuxEntries(arch: Arch, minors: readonly number[]): [string, Entry][] {
  const entries: [string, Entry][] = [];
  if (minors.includes(17)) entries.push([`${arch}-manylinux2014`, manylinux(arch, 17)]);
  for (const minor of minors)
    entries.push([`${arch}-manylinux_2_${minor}`, manylinux(arch, minor)]);
  return entries;
}

function manylinux(arch: Arch, minor: number): Entry {
  return { os: "manylinux", arch, libc: [2, minor] };
}

/** The names `--python-platform` accepts and lists, in uv's order (aliases not included). */
export const TARGET_PLATFORM_NAMES: readonly string[] = [...LISTED.keys()];

/** uv's name for a `--python-platform` value, or `undefined` when it names no known platform. */
export function targetPlatformName(text: string): string | undefined {
  const name = text.trim();
  if (LISTED.has(name) || UNLISTED.has(name)) return name;
  return TAG_ALIASES.get(name);
}

/**
 * The target of a `--python-platform` name (any accepted spelling). An unknown name is a
 * `PuffinError` (`invalid-python-platform`) that lists the accepted names.
 */
export function targetPlatform(text: string, options: TargetPlatformOptions = {}): TargetPlatform {
  const name = targetPlatformName(text);
  const entry = name === undefined ? undefined : (LISTED.get(name) ?? UNLISTED.get(name));
  if (name === undefined || entry === undefined) {
    throw new PuffinError(
      "invalid-python-platform",
      `Unknown --python-platform \`${text}\`: expected one of ${TARGET_PLATFORM_NAMES.join(", ")}`,
    );
  }
  return { name, platform: platformOf(entry, options), markers: markersOf(entry) };
}

function platformOf(entry: Entry, options: TargetPlatformOptions): Platform {
  const { os, arch } = entry;
  switch (os) {
    case "windows":
      return { os, arch };
    case "macos": {
      const [major, minor] = macosVersion(options.macosDeploymentTarget) ?? DEFAULT_MACOS;
      return { os, major, minor, arch };
    }
    case "manylinux":
    case "musllinux": {
      const [major, minor] = entry.libc ?? [0, 0];
      return { os, major, minor, arch };
    }
  }
}

/** `14`, `14.2` → `[14, 0]`, `[14, 2]`; anything else → undefined (uv ignores it too). */
function macosVersion(text: string | undefined): readonly [number, number] | undefined {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text?.trim() ?? "");
  if (match === null) return undefined;
  return [Number(match[1]), Number(match[2] ?? "0")];
}

/**
 * The platform markers as Python reports them there (`os.name`, `sys.platform`,
 * `platform.system()`, `platform.machine()`). `platform.machine()` is the kernel's name for the
 * machine: `arm64` on Apple silicon, `aarch64` on Linux; on Windows the processor architecture,
 * `AMD64`, `ARM64` or `x86` (uv writes `x86_64` for x86-64 Windows, which no Windows Python
 * reports). Release and version are unknown for a platform that is not running: empty, as in uv.
 */
function markersOf(entry: Entry): PlatformMarkers {
  const unknown = { platform_release: "", platform_version: "" };
  switch (entry.os) {
    case "windows":
      return {
        ...unknown,
        os_name: "nt",
        sys_platform: "win32",
        platform_system: "Windows",
        platform_machine: WINDOWS_MACHINES[entry.arch] ?? entry.arch,
      };
    case "macos":
      return {
        ...unknown,
        os_name: "posix",
        sys_platform: "darwin",
        platform_system: "Darwin",
        platform_machine: entry.arch === "aarch64" ? "arm64" : entry.arch,
      };
    case "manylinux":
    case "musllinux":
      return {
        ...unknown,
        os_name: "posix",
        sys_platform: "linux",
        platform_system: "Linux",
        platform_machine: entry.arch,
      };
  }
}

const WINDOWS_MACHINES: Partial<Record<Arch, string>> = {
  x86_64: "AMD64",
  aarch64: "ARM64",
  i686: "x86",
};
