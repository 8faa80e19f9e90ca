import type { Interpreter } from "../interpreter/index.ts";
import { Version } from "../pep440/index.ts";
import type { MarkerEnvironment } from "../pep508/index.ts";
import { type Implementation, Tags } from "../platform-tags/index.ts";
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

const PYTHON_VERSION = /^(\d+)\.(\d+)(?:\.(\d+))?$/;

/**
 * The target of an interpreter, optionally with `--python-version X.Y[.Z]` patching what
 * depends on the Python version: the markers `python_version` and `python_full_version`, and the
 * wheel tags (`cp310`, `abi3` up to 3.10…), computed for the interpreter's platform and
 * implementation. A version without a patch number means its first release (`3.10` →
 * `3.10.0`), as uv does: the oldest interpreter the output must work on.
 */
export function targetFromInterpreter(
  interpreter: Interpreter,
  pythonVersion?: string,
): ResolverTarget {
  if (pythonVersion === undefined) {
    return {
      environment: interpreter.markers,
      pythonVersion: Version.parse(interpreter.markers.python_full_version),
      tags: interpreter.tags(),
    };
  }
  const match = PYTHON_VERSION.exec(pythonVersion.trim());
  if (match === null) {
    throw new PuffinError(
      "invalid-python-version",
      `Invalid --python-version \`${pythonVersion}\`: expected MAJOR.MINOR or MAJOR.MINOR.PATCH`,
      { hint: "For example `--python-version 3.11` or `--python-version 3.11.4`" },
    );
  }
  const major = Number(match[1]);
  const minor = Number(match[2]);
  const patch = Number(match[3] ?? "0");
  if (major !== 3) {
    throw new PuffinError(
      "invalid-python-version",
      `Invalid --python-version \`${pythonVersion}\`: Puffin resolves for Python 3 only`,
    );
  }
  const [ownMajor, ownMinor] = interpreter.pythonMinor;
  const sameMinor = ownMajor === major && ownMinor === minor;
  const { implementationName, implementationVersion, gilDisabled } = interpreter.info;
  // The interpreter's own tags when only the patch differs: they keep its exact ABI tags
  // (debug builds and the like), which do not follow from the version alone.
  const tags = sameMinor
    ? interpreter.tags()
    : Tags.fromEnv({
        pythonVersion: [major, minor],
        implementation: implementationOf(interpreter, implementationName),
        implementationVersion,
        gilDisabled,
        platform: interpreter.platform(),
      });
  return {
    environment: {
      ...interpreter.markers,
      python_version: `${major}.${minor}`,
      python_full_version: `${major}.${minor}.${patch}`,
    },
    pythonVersion: Version.parse(`${major}.${minor}.${patch}`),
    tags,
  };
}

function implementationOf(interpreter: Interpreter, name: string): Implementation {
  if (name === "cpython" || name === "pypy" || name === "graalpy") return name;
  throw new PuffinError(
    "unsupported-implementation",
    `Puffin cannot compute wheel tags for the Python implementation \`${name}\` (\`${interpreter.executable}\`)`,
  );
}
