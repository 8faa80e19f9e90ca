// Builds real wheel files for tests: a `.dist-info` with METADATA (Metadata-Version 2.4), WHEEL,
// entry_points.txt and RECORD, valid per the binary distribution format.
// https://packaging.python.org/en/latest/specifications/binary-distribution-format/
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PackageName } from "../../src/normalize/index.ts";
import { Version } from "../../src/pep440/index.ts";
import { writeZip, type ZipWriterEntry } from "./zip-writer.ts";

export type FileContent = string | Uint8Array;

/** The `.data/` subdirectories a wheel may carry (install schemes). */
export interface WheelData {
  readonly scripts?: Record<string, FileContent>;
  readonly headers?: Record<string, FileContent>;
  readonly data?: Record<string, FileContent>;
  readonly purelib?: Record<string, FileContent>;
  readonly platlib?: Record<string, FileContent>;
}

export interface WheelSpec {
  /** The project name as written in METADATA (`Foo.Bar`); filenames use its normalized form. */
  readonly name: string;
  readonly version: string;
  /** The compressed tag set, `python-abi-platform`; default `py3-none-any`. */
  readonly tags?: string;
  /** A build tag (`1`, `2b`). */
  readonly build?: string;
  readonly requiresDist?: readonly string[];
  readonly requiresPython?: string;
  readonly providesExtra?: readonly string[];
  readonly summary?: string;
  /** More METADATA fields, written after the standard ones, in order. */
  readonly metadataFields?: readonly (readonly [string, string])[];
  /** A METADATA body (the description). */
  readonly description?: string;
  /** Files at the wheel's root; default: `<name>/__init__.py` with a `__version__`. */
  readonly files?: Record<string, FileContent>;
  /** `entry_points.txt`: group → name → object reference (`console_scripts`, …). */
  readonly entryPoints?: Record<string, Record<string, string>>;
  readonly data?: WheelData;
  /** `Root-Is-Purelib` in WHEEL; default true. */
  readonly rootIsPurelib?: boolean;
}

export interface BuiltWheel {
  readonly filename: string;
  readonly bytes: Uint8Array;
  /** `{name}-{version}.dist-info` */
  readonly distInfo: string;
  /** The METADATA file, as in the wheel (what a PEP 658 `.metadata` file serves). */
  readonly metadata: Uint8Array;
  /** Hex SHA-256 of `bytes`. */
  readonly sha256: string;
}

const encoder = new TextEncoder();
const bytesOf = (content: FileContent) =>
  typeof content === "string" ? encoder.encode(content) : content;

/** The project name as it appears in wheel, sdist and `.dist-info` names (`foo_bar`). */
export function distInfoName(name: string): string {
  return PackageName.asDistInfoName(PackageName.parse(name));
}

/** The default package's import name: the normalized name with `_`. */
export function importName(name: string): string {
  return distInfoName(name);
}

/** METADATA (Metadata-Version 2.4) for a spec; shared with the sdist builder's PKG-INFO. */
export function coreMetadata(spec: {
  name: string;
  version: string;
  summary?: string;
  requiresPython?: string;
  requiresDist?: readonly string[];
  providesExtra?: readonly string[];
  metadataFields?: readonly (readonly [string, string])[];
  description?: string;
}): string {
  const lines = ["Metadata-Version: 2.4", `Name: ${spec.name}`, `Version: ${spec.version}`];
  if (spec.summary !== undefined) lines.push(`Summary: ${spec.summary}`);
  if (spec.requiresPython !== undefined) lines.push(`Requires-Python: ${spec.requiresPython}`);
  for (const requirement of spec.requiresDist ?? []) lines.push(`Requires-Dist: ${requirement}`);
  for (const extra of spec.providesExtra ?? []) lines.push(`Provides-Extra: ${extra}`);
  for (const [field, value] of spec.metadataFields ?? []) lines.push(`${field}: ${value}`);
  const head = lines.join("\n") + "\n";
  return spec.description === undefined ? head : `${head}\n${spec.description}`;
}

/** `sha256=<urlsafe base64, no padding>`, the RECORD hash format (PEP 376 / 427). */
export function recordHash(content: Uint8Array): string {
  return "sha256=" + createHash("sha256").update(content).digest("base64url");
}

/** One RECORD row, quoted as Python's `csv` module does when a field needs it. */
function recordRow(fields: readonly string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f)).join(",");
}

function entryPointsText(groups: Record<string, Record<string, string>>): string {
  return Object.entries(groups)
    .map(([group, entries]) => {
      const body = Object.entries(entries).map(([name, value]) => `${name} = ${value}\n`);
      return `[${group}]\n${body.join("")}`;
    })
    .join("\n");
}

/** Every `python-abi-platform` combination of a compressed tag set (`py2.py3-none-any`). */
function expandTags(tags: string): string[] {
  const [pythons, abis, platforms] = tags.split("-").map((part) => part.split("."));
  if (pythons === undefined || abis === undefined || platforms === undefined) {
    throw new Error(`not a tag set: ${tags}`);
  }
  return pythons.flatMap((p) => abis.flatMap((a) => platforms.map((pl) => `${p}-${a}-${pl}`)));
}

export function buildWheel(spec: WheelSpec): BuiltWheel {
  const version = Version.parse(spec.version).toString();
  const tags = spec.tags ?? "py3-none-any";
  const stem = `${distInfoName(spec.name)}-${version}`;
  const build = spec.build === undefined ? "" : `-${spec.build}`;
  const filename = `${stem}${build}-${tags}.whl`;
  const distInfo = `${stem}.dist-info`;

  const files: [string, Uint8Array, number?][] = [];
  const rootFiles = spec.files ?? {
    [`${importName(spec.name)}/__init__.py`]: `__version__ = "${version}"\n`,
  };
  for (const [path, content] of Object.entries(rootFiles)) files.push([path, bytesOf(content)]);
  for (const [scheme, entries] of Object.entries(spec.data ?? {})) {
    for (const [path, content] of Object.entries(entries as Record<string, FileContent>)) {
      const mode = scheme === "scripts" ? 0o100755 : undefined;
      files.push([`${stem}.data/${scheme}/${path}`, bytesOf(content), mode]);
    }
  }
  const metadata = encoder.encode(coreMetadata({ ...spec, version }));
  files.push([`${distInfo}/METADATA`, metadata]);
  const wheel = [
    "Wheel-Version: 1.0",
    "Generator: puffin-test-kit (0.1.0)",
    `Root-Is-Purelib: ${spec.rootIsPurelib ?? true}`,
    ...(spec.build === undefined ? [] : [`Build: ${spec.build}`]),
    ...expandTags(tags).map((tag) => `Tag: ${tag}`),
  ];
  files.push([`${distInfo}/WHEEL`, encoder.encode(wheel.join("\n") + "\n")]);
  if (spec.entryPoints !== undefined) {
    files.push([`${distInfo}/entry_points.txt`, encoder.encode(entryPointsText(spec.entryPoints))]);
  }
  const record = files
    .map(([path, content]) => recordRow([path, recordHash(content), String(content.length)]) + "\n")
    .join("");
  files.push([
    `${distInfo}/RECORD`,
    encoder.encode(record + recordRow([`${distInfo}/RECORD`, "", ""]) + "\n"),
  ]);

  const entries: ZipWriterEntry[] = files.map(([name, data, mode]) =>
    mode === undefined ? { name, data } : { name, data, mode },
  );
  const bytes = writeZip(entries);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  return { filename, bytes, distInfo, metadata, sha256 };
}

/** Builds the wheel into `directory`; returns it with its path. */
export function writeWheel(directory: string, spec: WheelSpec): BuiltWheel & { path: string } {
  const wheel = buildWheel(spec);
  const path = join(directory, wheel.filename);
  writeFileSync(path, wheel.bytes);
  return { ...wheel, path };
}
