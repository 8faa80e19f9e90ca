import type { MarkerEnvironment } from "../pep508/index.ts";
import { type Arch, type Implementation, type Platform, Tags } from "../platform-tags/index.ts";
import { PuffinError } from "../support/index.ts";

/** The install scheme directories that sysconfig reports (`sysconfig.get_paths()`). */
export interface SchemePaths {
  purelib: string;
  platlib: string;
  scripts: string;
  include: string;
  data: string;
}

/**
 * Everything Puffin knows about one Python interpreter, as its probe reported it. Plain data so
 * it can be cached as JSON; `Interpreter` wraps it with what is derived from it.
 */
export interface InterpreterInfo {
  /** `sys.executable`: the path the interpreter was started through. */
  executable: string;
  /** `sys._base_executable` where it exists (3.7+): the base interpreter of a venv. */
  baseExecutable: string | null;
  prefix: string;
  basePrefix: string;
  baseExecPrefix: string;
  /** `sys.version_info[:3]` */
  versionInfo: [number, number, number];
  /** `sys.implementation.name`: `cpython`, `pypy`, `graalpy`… */
  implementationName: string;
  /** `sys.implementation.version[:2]` */
  implementationVersion: [number, number];
  markers: MarkerEnvironment;
  /** `sysconfig.get_platform()`, e.g. `linux-x86_64`, `macosx-11.0-arm64`. */
  sysconfigPlatform: string;
  /** 64 or 32: decides between e.g. x86_64 and i686 on a 64-bit kernel. */
  pointerBits: number;
  glibcVersion: [number, number] | null;
  muslVersion: [number, number] | null;
  macosVersion: [number, number] | null;
  /** A free-threaded build (`Py_GIL_DISABLED`). */
  gilDisabled: boolean;
  /** CPython's own ABI tags (packaging's `_cpython_abis`), null for other implementations. */
  abiTags: string[] | null;
  /** Where this interpreter installs packages. */
  scheme: SchemePaths;
  /** Where a virtual environment made from it keeps them, relative to the venv root. */
  venvScheme: SchemePaths;
  /** `sysconfig.get_path("stdlib")` */
  stdlib: string;
  /** `sysconfig.get_config_var("LDLIBRARY")`: the libpython a shared build links. */
  ldLibrary: string | null;
}

const ARCHS: ReadonlySet<string> = new Set<Arch>([
  "x86_64",
  "i686",
  "aarch64",
  "armv7l",
  "armv6l",
  "ppc64le",
  "ppc64",
  "s390x",
  "riscv64",
  "loongarch64",
]);

const IMPLEMENTATIONS: ReadonlySet<string> = new Set<Implementation>([
  "cpython",
  "pypy",
  "graalpy",
]);

/** A probed Python interpreter. */
export class Interpreter {
  constructor(readonly info: InterpreterInfo) {}

  get executable(): string {
    return this.info.executable;
  }

  get markers(): MarkerEnvironment {
    return this.info.markers;
  }

  /** `3.12.1` (pre-releases as `3.13.0rc1`): the marker `python_full_version`. */
  get version(): string {
    return this.info.markers.python_full_version;
  }

  get pythonMinor(): [number, number] {
    return [this.info.versionInfo[0], this.info.versionInfo[1]];
  }

  /** True for an interpreter running inside a virtual environment. */
  get isVirtualenv(): boolean {
    return this.info.prefix !== this.info.basePrefix;
  }

  /**
   * The platform for wheel tags, derived like packaging's `_linux_platforms`: a 32-bit Python
   * on a 64-bit x86 kernel is i686; the C library decides between manylinux and musllinux.
   */
  platform(): Platform {
    const { markers, pointerBits, glibcVersion, muslVersion, macosVersion } = this.info;
    let machine = markers.platform_machine.toLowerCase();
    if (pointerBits === 32 && (machine === "x86_64" || machine === "amd64")) machine = "i686";
    if (machine === "amd64" || machine === "x64") machine = "x86_64";
    if (machine === "arm64") machine = "aarch64";
    const arch = ARCHS.has(machine) ? (machine as Arch) : undefined;
    const sysPlatform = markers.sys_platform;
    if (sysPlatform.startsWith("linux") && arch !== undefined) {
      if (glibcVersion !== null) {
        return { os: "manylinux", major: glibcVersion[0], minor: glibcVersion[1], arch };
      }
      if (muslVersion !== null) {
        return { os: "musllinux", major: muslVersion[0], minor: muslVersion[1], arch };
      }
      return { os: "linux", arch };
    }
    if (sysPlatform === "darwin" && arch !== undefined && macosVersion !== null) {
      return { os: "macos", major: macosVersion[0], minor: macosVersion[1], arch };
    }
    if (sysPlatform === "win32" && arch !== undefined) return { os: "windows", arch };
    return { os: "other", sysconfigPlatform: this.info.sysconfigPlatform };
  }

  /** The wheel tags this interpreter accepts, most preferred first (`packaging.tags.sys_tags`). */
  tags(): Tags {
    const { implementationName, implementationVersion, gilDisabled, abiTags } = this.info;
    if (!IMPLEMENTATIONS.has(implementationName)) {
      throw new PuffinError(
        "unsupported-implementation",
        `Puffin cannot compute wheel tags for the Python implementation \`${implementationName}\` (\`${this.executable}\`)`,
      );
    }
    return Tags.fromEnv({
      pythonVersion: this.pythonMinor,
      implementation: implementationName as Implementation,
      implementationVersion,
      gilDisabled,
      ...(abiTags === null ? {} : { abiTags }),
      platform: this.platform(),
    });
  }
}
