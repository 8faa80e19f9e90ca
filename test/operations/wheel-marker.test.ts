// Where a wheel can be installed, read from its tags: what a universal lock uses to leave out
// wheels that no environment of a pin can install.
import assert from "node:assert/strict";
import { test } from "node:test";
import { WheelFilename } from "../../src/filenames/index.ts";
import { wheelMarker } from "../../src/operations/wheel-marker.ts";

const markerOf = (filename: string) => wheelMarker(WheelFilename.parse(filename)).toString();

test("platform tags give the platform, Python tags the implementation and version", () => {
  assert.equal(
    markerOf("a-1.0-py3-none-any.whl"),
    "python_version >= '3.0' and python_version < '4.0'",
  );
  assert.equal(
    markerOf("a-1.0-cp312-cp312-win_amd64.whl"),
    "implementation_name == 'cpython' and python_version == '3.12' and sys_platform == 'win32'",
  );
  assert.equal(
    markerOf("a-1.0-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"),
    "implementation_name == 'cpython' and python_version >= '3.9' and sys_platform == 'linux'",
  );
  assert.equal(
    markerOf("a-1.0-pp310-pypy310_pp73-macosx_11_0_arm64.whl"),
    "implementation_name == 'pypy' and python_version == '3.10' and sys_platform == 'darwin'",
  );
  assert.equal(
    markerOf("a-1.0-py2.py3-none-any.whl"),
    "python_version >= '2.0' and python_version < '4.0'",
  );
});

test("a tag it does not know limits nothing", () => {
  assert.equal(
    markerOf("a-1.0-py3-none-solaris_2_11_i86pc.whl"),
    "python_version >= '3.0' and python_version < '4.0'",
  );
  assert.equal(markerOf("a-1.0-graalpy311-graalpy311_native-any.whl"), "");
});
