import { MetadataHeaders } from "../pypi-types/index.ts";
import { PuffinError } from "../support/index.ts";

/**
 * The `WHEEL` file of a `.dist-info` directory (binary distribution format, "The .dist-info
 * directory"): `Wheel-Version` and `Root-Is-Purelib` are what installing needs.
 * https://packaging.python.org/en/latest/specifications/binary-distribution-format/
 */
export interface WheelInfo {
  readonly wheelVersion: readonly [number, number];
  /** The wheel's root goes to purelib when true, else platlib. */
  readonly rootIsPurelib: boolean;
}

/**
 * Parses `WHEEL`. Like pip, a `Wheel-Version` with major 0 or 1 is accepted (old bdist_wheel wrote
 * 0.1; newer minors are compatible by definition), a newer major is refused (`unsupported-wheel-version`); a missing or
 * malformed version is `invalid-wheel`. `Root-Is-Purelib` is compared case-insensitively with
 * `true`, as installer does.
 */
export function parseWheelInfo(content: Uint8Array | string, source: string): WheelInfo {
  const headers = MetadataHeaders.parse(content);
  const version = headers.get("Wheel-Version")?.trim();
  const match = version === undefined ? null : /^(\d+)\.(\d+)$/.exec(version);
  if (match === null) {
    throw new PuffinError(
      "invalid-wheel",
      `${source} has ${version === undefined ? "no `Wheel-Version`" : `an invalid \`Wheel-Version\` (${JSON.stringify(version)})`}`,
    );
  }
  const wheelVersion = [Number(match[1]), Number(match[2])] as const;
  if (wheelVersion[0] > 1) {
    throw new PuffinError(
      "unsupported-wheel-version",
      `${source} says \`Wheel-Version: ${version}\`; Puffin installs version 1.x wheels only`,
    );
  }
  const rootIsPurelib = headers.get("Root-Is-Purelib")?.trim().toLowerCase() === "true";
  return { wheelVersion, rootIsPurelib };
}

/** A console or GUI script to generate (`[console_scripts]` / `[gui_scripts]`). */
export interface ScriptEntryPoint {
  readonly name: string;
  readonly module: string;
  /** The object path inside the module (`main`, `cli.run`). */
  readonly attr: string;
  readonly section: "console" | "gui";
}

const SECTIONS: ReadonlyMap<string, "console" | "gui"> = new Map([
  ["console_scripts", "console"],
  ["gui_scripts", "gui"],
]);
/** `module:attr [extras]` (https://packaging.python.org/en/latest/specifications/entry-points/). */
const OBJECT_REFERENCE = /^([\w.]+)\s*:\s*([\w.]+)\s*(?:\[[^\]]*\])?$/u;

/**
 * The scripts an `entry_points.txt` asks for, in file order. The format is INI as Python's
 * `configparser` reads it with case kept: `[section]` headers, `name = value` (or `name: value`)
 * lines, `#`/`;` comments. Other sections are ignored. A script whose name would leave the
 * scripts directory or whose value is not `module:attr` is an `invalid-entry-point` error.
 */
export function parseScriptEntryPoints(text: string, source: string): ScriptEntryPoint[] {
  const scripts: ScriptEntryPoint[] = [];
  let section: "console" | "gui" | undefined;
  for (const rawLine of text.split(/\r\n|\r|\n/)) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    if (line.startsWith("[") && line.endsWith("]")) {
      section = SECTIONS.get(line.slice(1, -1).trim());
      continue;
    }
    if (section === undefined) continue;
    const separator = line.search(/[=:]/);
    const equals = line.indexOf("=");
    const at = equals >= 0 ? equals : separator;
    if (at <= 0) {
      throw new PuffinError("invalid-entry-point", `${source} has an invalid line: ${line}`);
    }
    const name = line.slice(0, at).trim();
    const value = line.slice(at + 1).trim();
    if (name.includes("/") || name.includes("\\") || name === "." || name === "..") {
      throw new PuffinError(
        "invalid-entry-point",
        `${source} names a script ${JSON.stringify(name)}, which is not a plain file name`,
      );
    }
    const reference = OBJECT_REFERENCE.exec(value);
    if (reference === null) {
      throw new PuffinError(
        "invalid-entry-point",
        `${source} has the script \`${name}\` pointing at ${JSON.stringify(value)}, which is not \`module:attribute\``,
      );
    }
    scripts.push({ name, module: reference[1]!, attr: reference[2]!, section });
  }
  return scripts;
}
