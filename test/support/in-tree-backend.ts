// A PEP 517 backend for tests, written into an sdist's own tree (`backend-path`), with no build
// requirements: `build_wheel` runs `before` (Python statements, indented by this function),
// then writes `{name}-{version}-py3-none-any.whl` by hand with `{name}/__init__.py` holding
// `module`. Tests use `before` to slow a build down, log it, or signal that it started.

/** The backend module's source, to be saved as `_backend/{module}.py`. */
export function handWrittenWheelBackend(spec: {
  name: string;
  version: string;
  module: string;
  before: string;
}): string {
  const dist = `${spec.name}-${spec.version}`;
  const files = {
    [`${spec.name}/__init__.py`]: spec.module,
    [`${dist}.dist-info/METADATA`]: `Metadata-Version: 2.1\nName: ${spec.name}\nVersion: ${spec.version}\n`,
    [`${dist}.dist-info/WHEEL`]:
      "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
  };
  const before = spec.before
    .trim()
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
  return `\
import json, os, time, zipfile

FILES = json.loads(${JSON.stringify(JSON.stringify(files))})


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
${before}
    name = ${JSON.stringify(`${dist}-py3-none-any.whl`)}
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as wheel:
        for path, text in FILES.items():
            wheel.writestr(path, text)
        record = "".join("%s,,\\n" % path for path in FILES) + ${JSON.stringify(`${dist}.dist-info/RECORD,,\n`)}
        wheel.writestr(${JSON.stringify(`${dist}.dist-info/RECORD`)}, record)
    return name
`;
}

/** The `pyproject.toml` of a project built by `handWrittenWheelBackend` saved as `_backend/{module}.py`. */
export function inTreeBackendPyproject(module: string): string {
  return [
    "[build-system]",
    "requires = []",
    `build-backend = "${module}"`,
    'backend-path = ["_backend"]',
    "",
  ].join("\n");
}
