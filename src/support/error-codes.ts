/**
 * Every error code Puffin throws, each with its category and what it means.
 *
 * Contract:
 * - A code is stable: tests, callers and users branch on it, never on the message. A code is
 *   never reused for another meaning, and two codes never mean the same thing.
 * - `PuffinError` takes an `ErrorCode` only, so `tsc` refuses a code that is not listed here;
 *   `test/support/error-codes.test.ts` refuses a listed code that nothing throws.
 * - Codes are kebab-case; a family shares a prefix (`zip-`, `http-`, `build-`, `git-`,
 *   `requirements-file-`), but code that branches on a kind of failure asks for its category
 *   (`errorCategory`), never for a prefix or a hand-made set of codes.
 *
 * The categories (`ERROR_CATEGORIES`, described there) say whose the failure is and so what may
 * follow from it: most importantly, a `broken-artifact` met reading a candidate wheel's metadata
 * makes the resolver leave that version out instead of aborting (`registry-provider.ts`); a
 * network, integrity or any other failure aborts.
 *
 * To add a code: pick a name that says what went wrong (`invalid-…`, `unsupported-…`,
 * `…-not-found`, `…-failed`), check that no code here already means it, and add it below in
 * alphabetical order with its category and a one-line description.
 */
export const ERROR_CATEGORIES = {
  usage:
    "What the user typed is wrong: a command-line argument, a setting or environment variable, a requirement's text, a name or version",
  input:
    "A file the user pointed Puffin at is unreadable or invalid: a requirements file, a pyproject.toml, a project's files",
  integrity:
    "A check that protects the user refused: a hash mismatches, is missing or cannot be computed, a file name or path is unsafe",
  "broken-artifact":
    "A distribution (wheel, source archive) or its metadata is malformed, unsafe or in a format Puffin cannot use: the file is at fault, and another version may do",
  network:
    "Fetching from an index, a find-links location or a URL failed, or the index answered with something that is not a usable page",
  environment:
    "The machine or the Python environment is in the way: a file system fault, a damaged installed distribution, a lock, an unfinished transaction, a virtual environment that cannot be made",
  resolution:
    "The requirements cannot be satisfied together, or a chosen version has no usable file",
  build: "Building a source distribution or a project directory into a wheel failed",
  interpreter: "A Python interpreter cannot be found, queried or targeted",
  git: "Running git or fetching a git repository failed",
} as const;

export type ErrorCategory = keyof typeof ERROR_CATEGORIES;

export interface ErrorCodeInfo {
  readonly category: ErrorCategory;
  readonly description: string;
}

export const ERROR_CODES = {
  "archive-too-large": {
    category: "broken-artifact",
    description: "An archive unpacks, or declares it unpacks, to more than the size limit",
  },
  "archive-too-many-entries": {
    category: "broken-artifact",
    description: "An archive holds more members than the limit",
  },
  "build-backend-failed": {
    category: "build",
    description: "A build backend hook failed, or its Python process could not be started",
  },
  "build-backend-invalid": {
    category: "build",
    description: "A build backend answered a hook with something PEP 517 does not allow",
  },
  "build-backend-unavailable": {
    category: "build",
    description: "The build backend a project names cannot be imported",
  },
  "build-cycle": {
    category: "build",
    description: "Building a package needs that package itself among its build dependencies",
  },
  "build-directory-removed": {
    category: "build",
    description: "A build's working directory in the cache was removed while the build ran",
  },
  "build-disabled": {
    category: "build",
    description: "A package has no usable wheel and building from source is disabled",
  },
  "build-editable-unsupported": {
    category: "build",
    description: "An editable install was asked of a backend without a `build_editable` hook",
  },
  "build-name-mismatch": {
    category: "build",
    description: "A build produced a wheel or metadata for another project than the one expected",
  },
  "built-wheel-incompatible": {
    category: "build",
    description: "A build produced a wheel the target interpreter cannot install",
  },
  "cache-archive-damaged": {
    category: "environment",
    description:
      "An unzipped wheel in the cache lost files after it was written, and unzipping it again did not help",
  },
  "cache-path-outside": {
    category: "environment",
    description: "A path given to the cache as one of its entries lies outside the bucket it names",
  },
  "cache-write-failed": {
    category: "environment",
    description: "An entry of Puffin's cache (an interpreter's description) could not be written",
  },
  "compile-extra-not-found": {
    category: "usage",
    description: "An extra requested with `--extra` is not declared by the project",
  },
  "compile-extras-without-project": {
    category: "usage",
    description: "Extras were requested but no `pyproject.toml` source was given",
  },
  "compile-failed": {
    category: "environment",
    description: "Compiling the installed Python files to bytecode failed",
  },
  "compile-group-not-found": {
    category: "usage",
    description:
      "A dependency group requested with `--group` is not defined by the `pyproject.toml` it names",
  },
  "compile-groups-without-project": {
    category: "usage",
    description: "Dependency groups were requested but no `pyproject.toml` source was given",
  },
  "compile-override-editable": {
    category: "input",
    description: "An overrides file lists an editable requirement",
  },
  "conflicting-requirements": {
    category: "input",
    description: "The requirements given to `pip sync` pin one package to different versions",
  },
  "conflicting-urls": {
    category: "resolution",
    description: "One package is required from two different URLs",
  },
  "dependency-group-cycle": {
    category: "input",
    description:
      "A `pyproject.toml` dependency group includes itself, directly or through other groups",
  },
  "dependency-group-include-not-found": {
    category: "input",
    description:
      "A `pyproject.toml` dependency group includes a group that `[dependency-groups]` does not define",
  },
  "disk-full": {
    category: "environment",
    description: "A write failed because the disk is full or the quota is exhausted",
  },
  "download-failed": {
    category: "network",
    description: "Downloading a distribution into the cache failed",
  },
  "empty-environments": {
    category: "usage",
    description:
      "The environments a universal resolution is limited to include no supported Python",
  },
  "find-links-unreadable": {
    category: "network",
    description: "A find-links location (directory or page) cannot be read",
  },
  "git-command-failed": {
    category: "git",
    description: "A git command could not be run or exited with a failure",
  },
  "git-fetch-failed": {
    category: "git",
    description: "Fetching a reference from a git repository failed",
  },
  "git-not-found": {
    category: "git",
    description: "A git requirement needs `git`, which is not on PATH",
  },
  "git-reference-not-found": {
    category: "git",
    description: "The branch, tag or commit a git URL names does not exist in the repository",
  },
  "git-subdirectory-missing": {
    category: "git",
    description: "The subdirectory a git URL names does not exist at the fetched commit",
  },
  "hash-mismatch": {
    category: "integrity",
    description: "A file's computed hash is not the one stated for it",
  },
  "hash-unsupported": {
    category: "integrity",
    description: "A file is stated only with hash algorithms Puffin cannot compute",
  },
  "hash-unverifiable": {
    category: "integrity",
    description:
      "In --require-hashes mode, a source whose hash cannot be checked (a directory, git)",
  },
  "http-connection": {
    category: "network",
    description: "A connection failed or was reset before the response was complete",
  },
  "http-error": {
    category: "network",
    description: "A request got an error status, or its URL cannot be requested at all",
  },
  "http-invalid-range": {
    category: "network",
    description: "A server answered a range request with bytes other than those asked for",
  },
  "http-timeout": {
    category: "network",
    description: "A request or its body stalled past the HTTP timeout",
  },
  "http-truncated": {
    category: "network",
    description: "A response body ended before the length its headers announced",
  },
  "incompatible-environment": {
    category: "environment",
    description: "`pip check` found installed packages whose requirements are not met",
  },
  "install-conflict": {
    category: "broken-artifact",
    description: "Two files of one wheel would be installed to the same path",
  },
  "install-failed": {
    category: "environment",
    description: "Writing a wheel into the environment failed on a file system fault",
  },
  "interpreter-not-found": {
    category: "interpreter",
    description: "No Python interpreter was found for the request, or it cannot be started",
  },
  "interpreter-probe-failed": {
    category: "interpreter",
    description: "An interpreter did not describe itself as a Python interpreter should",
  },
  "interpreter-probe-timeout": {
    category: "interpreter",
    description: "Querying an interpreter took longer than the probe timeout",
  },
  "invalid-archive-limit": {
    category: "usage",
    description: "An archive limit environment variable is not a positive size or count",
  },
  "invalid-concurrency": {
    category: "usage",
    description: "A concurrency limit is not a positive integer",
  },
  "invalid-config-setting": {
    category: "usage",
    description: "A `--config-setting` is not `KEY=VALUE`",
  },
  "invalid-dependency-groups": {
    category: "input",
    description:
      "The `[dependency-groups]` table of a `pyproject.toml`, or a requested group's entries, do not have the shape PEP 735 requires",
  },
  "invalid-direct-url": {
    category: "environment",
    description: "An installed distribution's `direct_url.json` is malformed",
  },
  "invalid-entry-point": {
    category: "broken-artifact",
    description: "A wheel's entry points or scripts are malformed",
  },
  "invalid-environment-marker": {
    category: "usage",
    description: "An `--environment` marker of `pip compile --universal` does not parse",
  },
  "invalid-exclude-newer": {
    category: "usage",
    description: "`--exclude-newer` is neither an RFC 3339 timestamp nor a date",
  },
  "invalid-extra-name": {
    category: "usage",
    description: "An extra name is not a valid name",
  },
  "invalid-find-links": {
    category: "usage",
    description: "A find-links location is not a valid path or URL of a supported scheme",
  },
  "invalid-git-url": {
    category: "usage",
    description: "A git URL is malformed",
  },
  "invalid-group-name": {
    category: "usage",
    description: "A dependency group name is not a valid name",
  },
  "invalid-http-timeout": {
    category: "usage",
    description: "PUFFIN_HTTP_TIMEOUT is not a positive number of seconds",
  },
  "invalid-index-name": {
    category: "usage",
    description:
      "An `--index NAME=URL` name is empty or holds a character other than ASCII letters, digits, `-`, `_` and `.`",
  },
  "invalid-index-strategy": {
    category: "usage",
    description: "PUFFIN_INDEX_STRATEGY names no index strategy",
  },
  "invalid-index-url": {
    category: "usage",
    description: "An index URL is malformed, relative or of an unsupported scheme",
  },
  "invalid-installed-metadata": {
    category: "environment",
    description: "The metadata of an installed distribution cannot be read or parsed",
  },
  "invalid-link-mode": {
    category: "usage",
    description: "A link mode is not one of those Puffin knows",
  },
  "invalid-marker": {
    category: "usage",
    description: "An environment marker does not parse",
  },
  "invalid-marker-environment": {
    category: "interpreter",
    description: "A marker environment lacks some of the values markers are evaluated against",
  },
  "invalid-metadata": {
    category: "broken-artifact",
    description: "Core metadata (METADATA, PKG-INFO) is malformed or lacks a required field",
  },
  "invalid-package-name": {
    category: "usage",
    description: "A package name is not a valid name",
  },
  "invalid-probe-timeout": {
    category: "usage",
    description: "PUFFIN_PYTHON_PROBE_TIMEOUT is not a positive number of seconds",
  },
  "invalid-pylock": {
    category: "input",
    description:
      "A `pylock.toml` is not valid TOML, or a key is missing, of the wrong type or invalid (PEP 751)",
  },
  "invalid-pylock-name": {
    category: "input",
    description: "A lock file is not named `pylock.toml` or `pylock.NAME.toml` (PEP 751)",
  },
  "invalid-pyproject": {
    category: "input",
    description:
      "A `pyproject.toml` is not valid TOML or its tables do not have the shape required",
  },
  "invalid-python-platform": {
    category: "usage",
    description:
      "`--python-platform` names no platform Puffin knows (uv's names: `linux`, `aarch64-apple-darwin`…)",
  },
  "invalid-python-request": {
    category: "usage",
    description: "A `--python` request is empty, malformed, or starts with `~` and HOME is unset",
  },
  "invalid-python-version": {
    category: "usage",
    description: "`--python-version` is not a Python 3 version of the form MAJOR.MINOR[.PATCH]",
  },
  "invalid-record": {
    category: "broken-artifact",
    description: "A RECORD file has a malformed row",
  },
  "invalid-requirement": {
    category: "usage",
    description: "A dependency specifier does not parse",
  },
  "invalid-sdist-filename": {
    category: "broken-artifact",
    description: "A source distribution's file name does not split into a name and a version",
  },
  "invalid-simple-api-version": {
    category: "network",
    description: "An index page declares a simple API version that is not `major.minor`",
  },
  "invalid-simple-json": {
    category: "network",
    description: "A PEP 691 JSON index page is malformed",
  },
  "invalid-simple-page": {
    category: "network",
    description: "An index page is neither simple-API HTML nor PEP 691 JSON",
  },
  "invalid-specifier": {
    category: "usage",
    description: "A version specifier does not parse",
  },
  "invalid-tag": {
    category: "usage",
    description: "A compatibility tag is not `python-abi-platform`",
  },
  "invalid-tags-environment": {
    category: "interpreter",
    description: "An interpreter description lacks what computing its wheel tags needs",
  },
  "invalid-url": {
    category: "usage",
    description: "A requirement's URL or path is empty or malformed",
  },
  "invalid-venv-path": {
    category: "usage",
    description: "A virtual environment path contains a line break",
  },
  "invalid-version": {
    category: "usage",
    description: "A version is not a valid PEP 440 version",
  },
  "invalid-wheel": {
    category: "broken-artifact",
    description: "A wheel's contents break the wheel format (layout, .dist-info, RECORD, links)",
  },
  "invalid-wheel-filename": {
    category: "broken-artifact",
    description: "A file offered as a wheel does not have a valid wheel file name",
  },
  "invalid-wheel-metadata": {
    category: "broken-artifact",
    description: "A wheel's METADATA does not parse",
  },
  "lock-timeout": {
    category: "environment",
    description: "Another process held a lock (the cache's, an environment's) past the wait",
  },
  "missing-hash": {
    category: "integrity",
    description: "In --require-hashes mode, a requirement or package has no hash",
  },
  "missing-record": {
    category: "environment",
    description: "An installed distribution's list of files (RECORD) is missing or unreadable",
  },
  "no-environment": {
    category: "environment",
    description: "No virtual environment is active or found from the current directory",
  },
  "no-matching-distribution": {
    category: "resolution",
    description: "A chosen version has no file this environment can install",
  },
  "no-requirements": {
    category: "usage",
    description: "A command that acts on packages was given none",
  },
  "no-solution": {
    category: "resolution",
    description: "No set of versions satisfies the requirements",
  },
  "not-a-distribution": {
    category: "broken-artifact",
    description: "A listed file is in a legacy format (egg, exe…) that Puffin cannot install",
  },
  "not-a-source-distribution": {
    category: "usage",
    description: "A build was asked of something that is already a wheel",
  },
  "not-a-wheel": {
    category: "usage",
    description: "Wheel metadata was asked of a listed file that is not a wheel",
  },
  "offline-not-cached": {
    category: "network",
    description:
      "Something needed (a page, a file, a repository) is not cached and the network is off",
  },
  "package-not-found": {
    category: "usage",
    description: "None of the packages named to inspect is installed",
  },
  "path-collision": {
    category: "environment",
    description:
      "A file stands where a directory must go, or the reverse, or a file already exists",
  },
  "permission-denied": {
    category: "environment",
    description: "The file system denied an operation for lack of permission",
  },
  "prepare-failed": {
    category: "environment",
    description: "Preparing a distribution in the cache failed on a file system fault",
  },
  "project-file-too-large": {
    category: "input",
    description: "A project file (pyproject.toml, setup.cfg) is larger than Puffin reads",
  },
  "project-file-unreadable": {
    category: "input",
    description: "A project file (pyproject.toml, setup.cfg) exists but cannot be read",
  },
  "protected-path": {
    category: "integrity",
    description:
      "A wheel would overwrite a file the environment needs (its interpreter, activation)",
  },
  "pylock-ambiguous-package": {
    category: "resolution",
    description: "Two entries of a `pylock.toml` for one package are both selected for the target",
  },
  "pylock-excludes-target": {
    category: "resolution",
    description:
      "A `pylock.toml`'s `requires-python` or `environments` (or a selected package's `requires-python`) exclude the target",
  },
  "pylock-missing-hash": {
    category: "integrity",
    description: "A file to write into a pylock.toml has no known hash and cannot be hashed here",
  },
  "pylock-mixed-sources": {
    category: "usage",
    description:
      "A `pylock.toml` is given together with other requirements, which installing a lock does not resolve",
  },
  "pylock-no-usable-file": {
    category: "resolution",
    description:
      "A package selected from a `pylock.toml` has no wheel compatible with the target and no sdist",
  },
  "pylock-selection-without-lock": {
    category: "usage",
    description:
      "Lock selection options (`--group`; `--extra` for `pip sync`) are given without a `pylock.toml` to select from",
  },
  "pylock-unknown-selection": {
    category: "usage",
    description: "An extra or dependency group requested from a `pylock.toml` is not one it lists",
  },
  "pylock-unreadable": {
    category: "input",
    description: "A `pylock.toml` cannot be read, or is larger than Puffin reads",
  },
  "pyproject-no-project": {
    category: "input",
    description: "A `pyproject.toml` given as a requirements source has no `[project]` table",
  },
  "read-only-filesystem": {
    category: "environment",
    description: "A write failed because the file system is mounted read-only",
  },
  "record-mismatch": {
    category: "broken-artifact",
    description: "A wheel's file does not match the hash or size its RECORD gives",
  },
  "requirement-name-mismatch": {
    category: "usage",
    description: "A requirement names one package but its URL or path holds another",
  },
  "requirements-file-constraint": {
    category: "input",
    description: "A constraints file lists an editable or unnamed requirement",
  },
  "requirements-file-editable": {
    category: "input",
    description: "An editable requirement is neither a local directory nor a VCS URL",
  },
  "requirements-file-encoding": {
    category: "input",
    description: "A requirements file is not valid in its declared or detected encoding",
  },
  "requirements-file-include-cycle": {
    category: "input",
    description: "Requirements files include each other in a cycle",
  },
  "requirements-file-option": {
    category: "input",
    description: "A requirements file option is unknown, or its value is missing or invalid",
  },
  "requirements-file-read": {
    category: "input",
    description: "A requirements file does not exist or cannot be read",
  },
  "requirements-file-remote": {
    category: "input",
    description: "A requirements file is named by a URL, which is not supported",
  },
  "requirements-file-requirement": {
    category: "input",
    description: "A requirement in a requirements file does not parse",
  },
  "requirements-file-syntax": {
    category: "input",
    description: "A requirements file line cannot be split into options and arguments",
  },
  "requirements-too-large": {
    category: "input",
    description: "A requirements file is larger than Puffin reads",
  },
  "sdist-invalid": {
    category: "broken-artifact",
    description:
      "A source archive is empty, not a valid tar archive, or its compression is corrupt",
  },
  "sdist-path-conflict": {
    category: "broken-artifact",
    description: "Two entries of a source archive would be written to one path",
  },
  "sdist-too-large": {
    category: "broken-artifact",
    description: "A legacy LZMA source archive decompresses past what is decoded in memory",
  },
  "sdist-unknown-format": {
    category: "broken-artifact",
    description: "A source distribution is not an archive format Puffin recognizes",
  },
  "sdist-unsafe-entry": {
    category: "broken-artifact",
    description:
      "A source archive has an entry that is unsafe to extract (an absolute or `..` path, a link, a device)",
  },
  "sdist-unsupported-compression": {
    category: "broken-artifact",
    description: "A source archive uses a compression Node.js cannot decompress",
  },
  "source-not-found": {
    category: "usage",
    description: "A local source (a directory or archive) named by a requirement does not exist",
  },
  "stdin-unsupported": {
    category: "usage",
    description: "Requirements were to be read from stdin, which the command does not support",
  },
  "transaction-pending": {
    category: "environment",
    description: "An interrupted change of the environment is still pending",
  },
  "undeclared-url": {
    category: "resolution",
    description:
      "A dependency requires a package from a URL, which only the user's requirements may",
  },
  "uninstall-failed": {
    category: "environment",
    description: "Removing an installed distribution failed on a file system fault",
  },
  "unknown-dist-filename": {
    category: "broken-artifact",
    description: "A file name is neither a wheel's, a source archive's nor a legacy format's",
  },
  "unknown-version": {
    category: "resolution",
    description: "The resolver asked for a version that no index lists",
  },
  "unpinned-requirement": {
    category: "input",
    description: "A requirement given to `pip sync` is not pinned to one version",
  },
  "unsafe-filename": {
    category: "integrity",
    description:
      "A distribution's file name (from an index page or a URL) is unsafe to use on disk",
  },
  "unsupported-editable": {
    category: "usage",
    description: "Something other than a local project directory was requested as editable",
  },
  "unsupported-implementation": {
    category: "interpreter",
    description: "Wheel tags cannot be computed for the interpreter's Python implementation",
  },
  "unsupported-metadata-version": {
    category: "broken-artifact",
    description: "Core metadata declares a `Metadata-Version` Puffin does not read",
  },
  "unsupported-platform": {
    category: "interpreter",
    description: "A target operating system does not run on the target architecture",
  },
  "unsupported-pylock-version": {
    category: "input",
    description: "A `pylock.toml`'s `lock-version` has a major version Puffin cannot read",
  },
  "unsupported-python": {
    category: "interpreter",
    description: "An interpreter is a Python version Puffin does not support",
  },
  "unsupported-requirement": {
    category: "input",
    description: "An unnamed requirement whose package cannot be told without building it",
  },
  "unsupported-simple-api-version": {
    category: "network",
    description: "An index page declares a major simple API version Puffin does not support",
  },
  "unsupported-url": {
    category: "usage",
    description: "A requirement's URL has a scheme or a file kind Puffin cannot install from",
  },
  "unsupported-venv": {
    category: "environment",
    description: "A virtual environment cannot be created on this system or for this interpreter",
  },
  "unsupported-wheel-version": {
    category: "broken-artifact",
    description: "A wheel declares a `Wheel-Version` whose major version Puffin does not install",
  },
  "venv-base-missing": {
    category: "environment",
    description: "The base interpreter of a virtual environment's interpreter does not exist",
  },
  "venv-exists": {
    category: "environment",
    description: "A virtual environment already exists where one is to be created",
  },
  "venv-path-occupied": {
    category: "environment",
    description: "Something that is not a virtual environment occupies the path for one",
  },
  "venv-write-failed": {
    category: "environment",
    description: "Creating a virtual environment, or reading its location, failed",
  },
  "wheel-dist-info-ambiguous": {
    category: "broken-artifact",
    description: "A wheel has more than one top-level .dist-info directory",
  },
  "wheel-dist-info-missing": {
    category: "broken-artifact",
    description: "A wheel has no top-level .dist-info directory",
  },
  "wheel-metadata-mismatch": {
    category: "broken-artifact",
    description: "A wheel's METADATA names another project or version than its file name",
  },
  "wheel-metadata-missing": {
    category: "broken-artifact",
    description: "A wheel's .dist-info directory has no METADATA",
  },
  "wheel-not-found": {
    category: "usage",
    description: "A local wheel that was named or listed does not exist",
  },
  "zip-duplicate-entry": {
    category: "broken-artifact",
    description: "A zip archive has two entries of one name",
  },
  "zip-encrypted": {
    category: "broken-artifact",
    description: "A zip entry is encrypted",
  },
  "zip-entry-too-large": {
    category: "broken-artifact",
    description: "A zip entry declares more bytes than may be read into memory",
  },
  "zip-invalid": {
    category: "broken-artifact",
    description: "A file is not a valid zip archive, or was truncated while being read",
  },
  "zip-unsafe-name": {
    category: "broken-artifact",
    description: "A zip entry's name is unsafe (absolute, `..`, a drive letter)",
  },
  "zip-unsupported": {
    category: "broken-artifact",
    description: "A zip archive uses a feature Puffin does not read (multi-disk archives)",
  },
  "zip-unsupported-method": {
    category: "broken-artifact",
    description: "A zip entry uses a compression method other than stored or deflate",
  },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Every code Puffin throws: `PuffinError` takes nothing else. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The category of a code: what branching on a kind of failure asks. */
export function errorCategory(code: ErrorCode): ErrorCategory {
  return ERROR_CODES[code].category;
}
