import { PuffinError } from "../support/index.ts";

/**
 * A CPU architecture, spelled as Linux's `uname -m` spells it (the spelling of `linux_*` and
 * `manylinux_*` platform tags). Other operating systems' tags are derived from it: macOS calls
 * `aarch64` `arm64`, Windows calls `x86_64` `amd64`.
 */
export type Arch =
  | "x86_64"
  | "i686"
  | "aarch64"
  | "armv7l"
  | "armv6l"
  | "ppc64le"
  | "ppc64"
  | "s390x"
  | "riscv64"
  | "loongarch64";

/**
 * The platform a Python interpreter runs on, as far as wheel compatibility cares. On Linux the C
 * library decides: `manylinux` carries the glibc version, `musllinux` the musl version, plain
 * `linux` means neither is known (only `linux_<arch>` wheels fit). `other` carries the value of
 * `sysconfig.get_platform()` for platforms that have a single platform tag (FreeBSD, Solaris…).
 */
export type Platform =
  | {
      readonly os: "manylinux";
      readonly major: number;
      readonly minor: number;
      readonly arch: Arch;
    }
  | {
      readonly os: "musllinux";
      readonly major: number;
      readonly minor: number;
      readonly arch: Arch;
    }
  | { readonly os: "linux"; readonly arch: Arch }
  | { readonly os: "macos"; readonly major: number; readonly minor: number; readonly arch: Arch }
  | { readonly os: "windows"; readonly arch: Arch }
  | { readonly os: "other"; readonly sysconfigPlatform: string };

/**
 * The platform tags compatible with `platform`, most preferred first, as `packaging.tags`
 * computes them for an interpreter running there: manylinux/musllinux tags and then
 * `linux_<arch>` on Linux, macOS versions down to 10.0 with their binary formats, one tag on
 * Windows and elsewhere.
 */
export function platformTags(platform: Platform): string[] {
  switch (platform.os) {
    case "manylinux":
      return [
        ...manylinuxPlatforms(platform.arch, [platform.major, platform.minor]),
        `linux_${platform.arch}`,
      ];
    case "musllinux":
      return [
        ...musllinuxPlatforms(platform.arch, [platform.major, platform.minor]),
        `linux_${platform.arch}`,
      ];
    case "linux":
      return [`linux_${platform.arch}`];
    case "macos":
      return macPlatforms([platform.major, platform.minor], macArch(platform.arch));
    case "windows":
      return [windowsPlatform(platform.arch)];
    case "other":
      // packaging's `_normalize_string`; tags are lowercase.
      return [platform.sysconfigPlatform.replace(/[.\- ]/g, "_").toLowerCase()];
  }
}

/**
 * Architectures with manylinux wheels (PEP 600; packaging's `_have_compatible_abi`). For i686
 * and armv7l packaging additionally checks that the running interpreter is a 32-bit (hard-float)
 * ELF; a `Platform` describes the interpreter, so that check is the caller's.
 */
const MANYLINUX_ARCHS: ReadonlySet<Arch> = new Set<Arch>([
  "x86_64",
  "i686",
  "aarch64",
  "armv7l",
  "ppc64",
  "ppc64le",
  "s390x",
  "riscv64",
  "loongarch64",
]);

/** The legacy names of three glibc versions (PEP 513, PEP 571, PEP 599). */
const LEGACY_MANYLINUX: ReadonlyMap<string, string> = new Map([
  ["2_17", "manylinux2014"],
  ["2_12", "manylinux2010"],
  ["2_5", "manylinux1"],
]);

/** packaging assumes at most 50 minor releases for each earlier glibc major version. */
const LAST_GLIBC_MINOR = 50;

/**
 * `manylinux_2_N_<arch>` tags for a glibc, newest first, each legacy alias right after the
 * version it names, down to glibc 2.5 on x86 and 2.17 elsewhere (the oldest for which manylinux
 * wheels exist). https://peps.python.org/pep-0600/
 */
export function manylinuxPlatforms(arch: Arch, glibc: readonly [number, number]): string[] {
  if (!MANYLINUX_ARCHS.has(arch)) return [];
  // The newest glibc version that is too old for any manylinux wheel of this architecture.
  const tooOld = arch === "x86_64" || arch === "i686" ? [2, 4] : [2, 16];
  const [currentMajor, currentMinor] = glibc;
  const tags: string[] = [];
  // Compatibility holds across glibc major versions: from the current version down through
  // every minor of each earlier major.
  for (let major = currentMajor; major > 1; major--) {
    const newestMinor = major === currentMajor ? currentMinor : LAST_GLIBC_MINOR;
    const stopMinor = major === tooOld[0] ? tooOld[1]! : -1;
    for (let minor = newestMinor; minor > stopMinor; minor--) {
      tags.push(`manylinux_${major}_${minor}_${arch}`);
      const legacy = LEGACY_MANYLINUX.get(`${major}_${minor}`);
      if (legacy !== undefined) tags.push(`${legacy}_${arch}`);
    }
  }
  return tags;
}

/**
 * `musllinux_X_Y_<arch>` tags for a musl version, newest minor first, down to `X_0`.
 * https://peps.python.org/pep-0656/
 */
export function musllinuxPlatforms(arch: Arch, musl: readonly [number, number]): string[] {
  const tags: string[] = [];
  for (let minor = musl[1]; minor >= 0; minor--) tags.push(`musllinux_${musl[0]}_${minor}_${arch}`);
  return tags;
}

/** The architecture as macOS platform tags spell it. */
function macArch(arch: Arch): string {
  switch (arch) {
    case "x86_64":
      return "x86_64";
    case "aarch64":
      return "arm64";
    case "i686":
      return "i386";
    case "ppc64":
      return "ppc64";
    default:
      throw new PuffinError("unsupported-platform", `macOS does not run on ${arch}`);
  }
}

function windowsPlatform(arch: Arch): string {
  switch (arch) {
    case "x86_64":
      return "win_amd64";
    case "i686":
      return "win32";
    case "aarch64":
      return "win_arm64";
    default:
      throw new PuffinError("unsupported-platform", `Windows does not run on ${arch}`);
  }
}

function versionBefore(version: readonly [number, number], major: number, minor: number): boolean {
  return version[0] < major || (version[0] === major && version[1] < minor);
}

/**
 * The binary formats (the last part of a `macosx_X_Y_<format>` tag) that can run on `arch`
 * (macOS spelling: `x86_64`, `arm64`, `i386`, `ppc`, `ppc64`, `intel`…) at macOS `version`, most
 * specific first; empty when the architecture did not exist at that version. Mirrors
 * packaging's `_mac_binary_formats`.
 */
export function macBinaryFormats(version: readonly [number, number], arch: string): string[] {
  const formats = [arch];
  if (arch === "x86_64") {
    if (versionBefore(version, 10, 4)) return [];
    formats.push("intel", "fat64", "fat32");
  } else if (arch === "i386") {
    if (versionBefore(version, 10, 4)) return [];
    formats.push("intel", "fat32", "fat");
  } else if (arch === "ppc64") {
    if (!versionBefore(version, 10, 6) || versionBefore(version, 10, 4)) return [];
    formats.push("fat64");
  } else if (arch === "ppc") {
    if (!versionBefore(version, 10, 7)) return [];
    formats.push("fat32", "fat");
  }
  if (arch === "arm64" || arch === "x86_64") formats.push("universal2");
  if (
    arch === "x86_64" ||
    arch === "i386" ||
    arch === "ppc64" ||
    arch === "ppc" ||
    arch === "intel"
  ) {
    formats.push("universal");
  }
  return formats;
}

/**
 * macOS platform tags for a macOS `version` and architecture (macOS spelling), most preferred
 * first, as packaging's `mac_platforms` yields them. Up to 10.15 each yearly release bumped the
 * minor version; from 11 on, the major. A Mac on 11+ also runs binaries built for 10.4–10.16:
 * all formats on x86_64, only `universal2` (whose x86_64 half may target old releases) on arm64.
 */
export function macPlatforms(version: readonly [number, number], arch: string): string[] {
  const tags: string[] = [];
  const push = (major: number, minor: number, formats: readonly string[]) => {
    for (const format of formats) tags.push(`macosx_${major}_${minor}_${format}`);
  };
  const [major, minor] = version;
  if (major === 10) {
    for (let m = minor; m >= 0; m--) push(10, m, macBinaryFormats([10, m], arch));
  }
  if (major >= 11) {
    for (let m = major; m > 10; m--) push(m, 0, macBinaryFormats([m, 0], arch));
    for (let m = 16; m > 3; m--) {
      push(10, m, arch === "x86_64" ? macBinaryFormats([10, m], arch) : ["universal2"]);
    }
  }
  return tags;
}
