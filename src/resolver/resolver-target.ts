import type { Interpreter } from "../interpreter/index.ts";
import { Version, type VersionRange } from "../pep440/index.ts";
import type { MarkerEnvironment, MarkerSet, MarkerTree } from "../pep508/index.ts";
import { type Implementation, Tags, type TargetPlatform } from "../platform-tags/index.ts";
import { PuffinError } from "../support/index.ts";

/** The one environment a resolution is for. */
export interface ResolverTarget {
  /** Markers are evaluated against it. */
  readonly environment: MarkerEnvironment;
  /** The target `python_full_version` as a `Version`: the only version of the virtual Python. */
  readonly pythonVersion: Version;
  /** Which wheels the target can install. */
  readonly tags: Tags;
}

/**
 * What a universal resolution is for: every platform and implementation, every Python of
 * `requiresPython`, within `environments` when given (uv's `environments`).
 */
export interface UniversalTarget {
  readonly kind: "universal";
  /** The Pythons to cover: from the lowest supported one upward. */
  readonly requiresPython: VersionRange;
  readonly environments: MarkerSet | undefined;
  /** The markers `environments` was made of, as given (for a lock's `environments`). */
  readonly environmentMarkers: readonly MarkerTree[];
}

export function isUniversal(target: ResolverTarget | UniversalTarget): target is UniversalTarget {
  return "kind" in target && target.kind === "universal";
}

const PYTHON_VERSION = /^(\d+)\.(\d+)(?:\.(\d+))?$/;

/**
 * The target of an interpreter, optionally with `--python-version X.Y[.Z]` patching what
 * depends on the Python version: the markers `python_version` and `python_full_version`, and the
 * wheel tags (`cp310`, `abi3` up to 3.10…), computed for the interpreter's platform and
 * implementation. A version without a patch number means its first release (`3.10` →
 * `3.10.0`), as uv does: the oldest interpreter the output must work on. On CPython,
 * `implementation_version` is the Python version too (it is the same number there); another
 * implementation (PyPy, GraalPy) keeps its own, which the Python version does not determine.
 *
 * With a `--python-platform` target (`targetPlatform`), the platform is that one instead: its
 * markers (`sys_platform`, `platform_system`, `os_name`, `platform_machine`, release and
 * version) replace the interpreter's, and the wheel tags are computed for its `Platform`; the
 * Python version and implementation stay the interpreter's (or `--python-version`'s).
 */
export function targetFromInterpreter(
  interpreter: Interpreter,
  pythonVersion?: string,
  platform?: TargetPlatform,
): ResolverTarget {
  const [major, minor, patch] =
    pythonVersion === undefined ? ownVersion(interpreter) : parsePythonVersion(pythonVersion);
  const [ownMajor, ownMinor] = interpreter.pythonMinor;
  const sameMinor = ownMajor === major && ownMinor === minor;
  const full = pythonVersion === undefined ? interpreter.version : `${major}.${minor}.${patch}`;
  const { implementationName, implementationVersion, gilDisabled, abiTags } = interpreter.info;
  // The interpreter's own tags when only the patch differs on its own platform: they keep its
  // exact ABI tags (debug builds and the like), which do not follow from the version alone.
  const tags =
    sameMinor && platform === undefined
      ? interpreter.tags()
      : Tags.fromEnv({
          pythonVersion: [major, minor],
          implementation: implementationOf(interpreter, implementationName),
          implementationVersion,
          gilDisabled,
          ...(sameMinor && abiTags !== null ? { abiTags } : {}),
          platform: platform?.platform ?? interpreter.platform(),
        });
  return {
    environment: {
      ...interpreter.markers,
      ...platform?.markers,
      ...(pythonVersion === undefined
        ? {}
        : {
            python_version: `${major}.${minor}`,
            python_full_version: full,
            ...(implementationName === "cpython" ? { implementation_version: full } : {}),
          }),
    },
    pythonVersion: Version.parse(full),
    tags,
  };
}

function ownVersion(interpreter: Interpreter): [number, number, number] {
  const [major, minor] = interpreter.pythonMinor;
  return [major, minor, 0];
}

function parsePythonVersion(pythonVersion: string): [number, number, number] {
  const match = PYTHON_VERSION.exec(pythonVersion.trim());
  if (match === null) {
    throw new PuffinError(
      "invalid-python-version",
      `Invalid --python-version \`${pythonVersion}\`: expected MAJOR.MINOR or MAJOR.MINOR.PATCH`,
      { hint: "For example `--python-version 3.11` or `--python-version 3.11.4`" },
    );
  }
  const major = Number(match[1]);
  if (major !== 3) {
    throw new PuffinError(
      "invalid-python-version",
      `Invalid --python-version \`${pythonVersion}\`: Puffin resolves for Python 3 only`,
    );
  }
  return [major, Number(match[2]), Number(match[3] ?? "0")];
}

function implementationOf(interpreter: Interpreter, name: string): Implementation {
  if (name === "cpython" || name === "pypy" || name === "graalpy") return name;
  throw new PuffinError(
    "unsupported-implementation",
    `Puffin cannot compute wheel tags for the Python implementation \`${name}\` (\`${interpreter.executable}\`)`,
  );
}
