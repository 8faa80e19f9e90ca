/**
 * The Python program that describes an interpreter, run once per interpreter as
 * `python -I -c PROBE_SCRIPT` (its answer is cached, see `probe-cache.ts`). It prints one JSON
 * object on stdout: `{"result": "success", ...}` (the shape of `ProbeOutput` in `probe.ts`) or
 * `{"result": "error", "kind": "unsupported-python", "version": "2.7.18"}`.
 *
 * Contract: the source stays valid Python 2.7 and 3.6+ (no f-strings, no walrus, no keyword-only
 * arguments), so an old interpreter reaches the version check and answers "unsupported" instead
 * of failing with a SyntaxError traceback. It imports only the standard library and never writes
 * files.
 *
 * The install scheme of a virtual environment is computed by the interpreter itself: sysconfig
 * is asked for the `venv` scheme (3.11+; `posix_prefix`/`nt` before) with every base variable
 * set to a placeholder, which `probe.ts` turns into paths relative to the venv root. This is how
 * uv learns where `lib/python3.12/site-packages` or `lib/pypy3.10/site-packages` live without
 * hard-coding each implementation's layout.
 */
export const PROBE_SCRIPT = String.raw`
import json
import os
import platform
import struct
import sys

MIN_VERSION = (3, 8)

def main():
    if sys.version_info[:2] < MIN_VERSION:
        print(json.dumps({
            "result": "error",
            "kind": "unsupported-python",
            "version": "%d.%d.%d" % tuple(sys.version_info[:3]),
        }))
        return
    import sysconfig
    name = sys.implementation.name
    implementation_version = format_full_version(sys.implementation.version)
    markers = {
        "implementation_name": name,
        "implementation_version": implementation_version,
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_python_implementation": platform.python_implementation(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    }
    placeholder = "@PUFFIN_VENV@"
    venv_vars = {
        "base": placeholder,
        "platbase": placeholder,
        "installed_base": placeholder,
        "installed_platbase": placeholder,
    }
    if "venv" in sysconfig.get_scheme_names():
        venv_scheme = "venv"
    else:
        venv_scheme = "nt" if os.name == "nt" else "posix_prefix"
    print(json.dumps({
        "result": "success",
        "executable": sys.executable,
        "base_executable": getattr(sys, "_base_executable", None),
        "prefix": sys.prefix,
        "base_prefix": sys.base_prefix,
        "base_exec_prefix": sys.base_exec_prefix,
        "version_info": list(sys.version_info[:3]),
        "implementation_name": name,
        "implementation_version": list(sys.implementation.version[:2]),
        "markers": markers,
        "sysconfig_platform": sysconfig.get_platform(),
        "pointer_bits": struct.calcsize("P") * 8,
        "glibc_version": glibc_version(),
        "musl_version": musl_version(),
        "macos_version": macos_version(),
        "gil_disabled": bool(sysconfig.get_config_var("Py_GIL_DISABLED")),
        "abi_tags": cpython_abi_tags() if name == "cpython" else None,
        "scheme": scheme_paths(sysconfig.get_paths()),
        "venv_scheme": scheme_paths(sysconfig.get_paths(venv_scheme, vars=venv_vars)),
        "venv_placeholder": placeholder,
        "stdlib": sysconfig.get_path("stdlib"),
        "ld_library": sysconfig.get_config_var("LDLIBRARY"),
    }))

def format_full_version(info):
    version = "%d.%d.%d" % (info.major, info.minor, info.micro)
    if info.releaselevel != "final":
        version += info.releaselevel[0] + str(info.serial)
    return version

def scheme_paths(paths):
    keys = ("purelib", "platlib", "scripts", "include", "data")
    return dict((key, paths[key]) for key in keys)

def glibc_version():
    # packaging's _glibc_version_string_confstr: "glibc 2.36" on glibc systems.
    try:
        text = os.confstr("CS_GNU_LIBC_VERSION")
    except (AttributeError, OSError, ValueError):
        return None
    return parse_major_minor(text.split()[-1]) if text and text.startswith("glibc ") else None

def musl_version():
    # packaging's _musllinux: the ELF program interpreter of this Python names the musl loader,
    # which prints "Version 1.2.4" when run without arguments.
    if not sys.platform.startswith("linux"):
        return None
    loader = elf_interpreter(sys.executable)
    if loader is None or "musl" not in loader:
        return None
    import subprocess
    try:
        process = subprocess.Popen([loader], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _, stderr = process.communicate()
    except OSError:
        return None
    for line in stderr.decode("utf-8", "replace").splitlines():
        if line.strip().startswith("Version "):
            return parse_major_minor(line.split()[1])
    return None

def elf_interpreter(path):
    # The PT_INTERP segment of an ELF executable (the dynamic loader's path).
    try:
        with open(path, "rb") as f:
            ident = f.read(16)
            if len(ident) < 16 or ident[:4] != b"\x7fELF":
                return None
            is64 = ident[4:5] == b"\x02"
            endian = "<" if ident[5:6] == b"\x01" else ">"
            if is64:
                header = struct.unpack(endian + "HHIQQQIHHH", f.read(48))
            else:
                header = struct.unpack(endian + "HHIIIIIHHH", f.read(36))
            ph_offset, ph_size, ph_count = header[4], header[7], header[8]
            for index in range(ph_count):
                f.seek(ph_offset + index * ph_size)
                if is64:
                    kind, _, offset, _, _, size = struct.unpack(endian + "IIQQQQ", f.read(40))
                else:
                    kind, offset, _, _, size = struct.unpack(endian + "IIIII", f.read(20))
                if kind == 3:
                    f.seek(offset)
                    return f.read(size).rstrip(b"\x00").decode("utf-8", "replace")
    except (OSError, struct.error):
        return None
    return None

def macos_version():
    if sys.platform != "darwin":
        return None
    return parse_major_minor(platform.mac_ver()[0])

def parse_major_minor(text):
    parts = text.split(".")
    try:
        return [int(parts[0]), int(parts[1]) if len(parts) > 1 else 0]
    except ValueError:
        return None

def cpython_abi_tags():
    # packaging's _cpython_abis for Python 3.8+: a debug build also accepts the release ABI.
    import sysconfig
    version = "%d%d" % sys.version_info[:2]
    threading = "t" if sysconfig.get_config_var("Py_GIL_DISABLED") else ""
    with_debug = sysconfig.get_config_var("Py_DEBUG")
    debug = with_debug or (with_debug is None and hasattr(sys, "gettotalrefcount"))
    if debug:
        return ["cp" + version + threading + "d", "cp" + version + threading]
    return ["cp" + version + threading]

main()
`;
