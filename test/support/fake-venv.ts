import { mkdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { Interpreter } from "../../src/interpreter/index.ts";
import { infoFromProbe } from "../../src/interpreter/probe.ts";
import { fakeProbeAnswer, writeAnsweringPython, writeFakeExecutable } from "./fake-python.ts";

/**
 * A fake CPython installed under `prefix` (its `bin/python3.12` exists but never runs), for
 * venv tests that need an `Interpreter` without starting Python.
 */
export function fakeInterpreter(
  prefix: string,
  changes: Record<string, unknown> = {},
): Interpreter {
  const executable = join(prefix, "bin", "python3.12");
  writeFakeExecutable(executable);
  return new Interpreter(
    infoFromProbe({ ...fakeProbeAnswer({ executable, version: "3.12.4" }), ...changes }),
  );
}

/** A virtual environment on disk whose `bin/python` answers the probe without being Python. */
export interface FakeVenvOnDisk {
  readonly location: string;
  readonly python: string;
  readonly sitePackages: string;
}

/**
 * Writes a virtual environment at `location` for CLI tests: `pyvenv.cfg`, a `bin/python` that
 * answers the probe as CPython 3.12 (`writeAnsweringPython`) with `location` as its prefix, and
 * in its site-packages a `.dist-info` (METADATA, INSTALLER, RECORD) for each `name==version`.
 */
export function writeFakeVenv(location: string, installed: readonly string[] = []): FakeVenvOnDisk {
  const python = join(location, "bin", "python");
  const answer = fakeProbeAnswer({
    executable: python,
    version: "3.12.4",
    prefix: location,
    basePrefix: "/usr",
  });
  writeAnsweringPython(python, answer);
  writeFileSync(join(location, "pyvenv.cfg"), "home = /usr/bin\nversion_info = 3.12.4\n");
  const sitePackages = (answer["scheme"] as { purelib: string }).purelib;
  mkdirSync(sitePackages, { recursive: true });
  for (const pin of installed) {
    const [name, version] = pin.split("==") as [string, string];
    const distInfo = join(sitePackages, `${name.replaceAll("-", "_")}-${version}.dist-info`);
    mkdirSync(distInfo);
    writeFileSync(
      join(distInfo, "METADATA"),
      `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`,
    );
    writeFileSync(join(distInfo, "INSTALLER"), "puffin\n");
    const record = ["METADATA", "INSTALLER", "RECORD"].map(
      (file) => `${basename(distInfo)}/${file},,\n`,
    );
    writeFileSync(join(distInfo, "RECORD"), record.join(""));
  }
  return { location, python, sitePackages };
}
