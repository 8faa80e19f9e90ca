import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, test } from "node:test";
import { Interpreter } from "../../src/interpreter/index.ts";
import { infoFromProbe, probeInterpreter } from "../../src/interpreter/probe.ts";
import { PROBE_SCRIPT } from "../../src/interpreter/probe-script.ts";
import { PuffinError } from "../../src/support/index.ts";
import { FakeRunner, fakeProbeAnswer } from "../support/fake-python.ts";
import { pyenvPythons } from "../support/pyenv-pythons.ts";

const pythons = pyenvPythons();
const noPythons = pythons.length === 0 ? "no pyenv Pythons on this machine" : false;

describe("probing real interpreters (every Python pyenv provides)", { skip: noPythons }, () => {
  for (const python of pythons) {
    const supported = python.minor[0] === 3 && python.minor[1] >= 8;
    test(`Python ${python.version}: ${supported ? "described" : "a clean unsupported error"}`, async () => {
      if (!supported) {
        await assert.rejects(probeInterpreter(python.executable), (error: unknown) => {
          assert.ok(error instanceof PuffinError);
          assert.equal(error.code, "unsupported-python");
          assert.match(error.message, /does not support/);
          return true;
        });
        return;
      }
      const info = await probeInterpreter(python.executable);
      assert.equal(info.markers.python_full_version, python.version);
      assert.equal(info.markers.python_version, python.minor.join("."));
      assert.deepEqual(info.versionInfo.slice(0, 2), python.minor);
      assert.equal(info.implementationName, "cpython");
      assert.equal(info.executable, python.executable);
      assert.equal(info.prefix, info.basePrefix);
      assert.ok(info.scheme.purelib.startsWith(info.prefix));
      const short = python.minor.join(".");
      assert.equal(info.venvScheme.purelib, `lib/python${short}/site-packages`);
      assert.equal(info.venvScheme.scripts, "bin");
      const interpreter = new Interpreter(info);
      const [best] = interpreter.tags().tags;
      const nodot = python.minor.join("");
      assert.equal(best?.python, `cp${nodot}`);
      assert.equal(best?.abi, `cp${nodot}`);
      if (process.platform === "linux") assert.equal(interpreter.platform().os, "manylinux");
    });
  }

  test("the probe script itself runs on Python 2.7 and answers 'unsupported' (no traceback)", (t) => {
    const python2 = pythons.find((python) => python.minor[0] === 2);
    if (python2 === undefined) return t.skip("no Python 2 in pyenv");
    // Python 2 rejects `-I`, so this runs the script the only way Python 2 can.
    const result = spawnSync(python2.executable, ["-E", "-s", "-c", PROBE_SCRIPT], {
      encoding: "utf8",
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      result: "error",
      kind: "unsupported-python",
      version: python2.version,
    });
  });
});

describe("probe answers", () => {
  const executable = "/opt/python/bin/python3";
  const answer = fakeProbeAnswer({ executable, version: "3.12.4", prefix: "/opt/python" });

  test("venv scheme paths become relative to the environment", () => {
    const info = infoFromProbe(answer);
    assert.deepEqual(info.venvScheme, {
      purelib: "lib/python3.12/site-packages",
      platlib: "lib/python3.12/site-packages",
      scripts: "bin",
      include: "include/python3.12",
      data: "",
    });
  });

  const broken: [string, Record<string, unknown>][] = [
    ["a missing marker", { ...answer, markers: { ...(answer["markers"] as object), os_name: 1 } }],
    ["a version that is not a triple", { ...answer, version_info: [3, 12] }],
    [
      "a venv path outside the environment",
      { ...answer, venv_scheme: { ...(answer["venv_scheme"] as object), purelib: "/elsewhere" } },
    ],
    ["a missing executable", { ...answer, executable: null }],
  ];
  for (const [what, bad] of broken) {
    test(`${what} is a probe failure naming the interpreter`, async () => {
      const runner = new FakeRunner();
      runner.answers.set(executable, bad);
      await assert.rejects(probeInterpreter(executable, runner.run), (error: unknown) => {
        assert.ok(error instanceof PuffinError);
        assert.equal(error.code, "interpreter-probe-failed");
        assert.ok(error.message.includes(executable));
        return true;
      });
    });
  }

  const failures: [string, { status: number; stdout: string; stderr: string }, string][] = [
    [
      "Python 2 rejecting -I",
      { status: 2, stdout: "", stderr: "Unknown option: -I\nusage: ..." },
      "unsupported-python",
    ],
    [
      "a crash",
      { status: 1, stdout: "", stderr: "Traceback ...\nImportError: x" },
      "interpreter-probe-failed",
    ],
    ["non-JSON output", { status: 0, stdout: "hello", stderr: "" }, "interpreter-probe-failed"],
  ];
  for (const [what, output, code] of failures) {
    test(`${what} → ${code}`, async () => {
      const runner = new FakeRunner();
      runner.answers.set(executable, output);
      await assert.rejects(probeInterpreter(executable, runner.run), { code });
    });
  }

  test("a program that cannot be started is interpreter-not-found", async () => {
    await assert.rejects(probeInterpreter("/nonexistent/python3"), {
      code: "interpreter-not-found",
    });
  });

  const platforms: [string, Record<string, unknown>, string][] = [
    ["glibc", {}, "manylinux_2_36_x86_64"],
    ["musl", { glibc_version: null, musl_version: [1, 2] }, "musllinux_1_2_x86_64"],
    ["no known libc", { glibc_version: null }, "linux_x86_64"],
    ["32-bit Python on a 64-bit kernel", { pointer_bits: 32 }, "manylinux_2_36_i686"],
  ];
  for (const [what, changes, firstPlatform] of platforms) {
    test(`tags on ${what}: first platform ${firstPlatform}`, () => {
      const interpreter = new Interpreter(infoFromProbe({ ...answer, ...changes }));
      assert.equal(interpreter.tags().tags[0]?.platform, firstPlatform);
    });
  }
});
