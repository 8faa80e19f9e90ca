import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { type BuildContext, selects } from "../build-context/index.ts";
import { WheelFilename } from "../filenames/index.ts";
import type { PackageName } from "../normalize/index.ts";
import { Requirement } from "../pep508/index.ts";
import { PuffinError } from "../support/index.ts";
import { type BuildHook, Pep517Backend } from "./pep517-backend.ts";
import type { PyprojectToml } from "./pyproject.ts";

/** A wheel for installing (`wheel`), or a PEP 660 editable wheel (`editable`). */
export type BuildKind = "wheel" | "editable";

export interface SourceBuildOptions {
  readonly context: BuildContext;
  /** The directory holding `pyproject.toml` / `setup.py`. */
  readonly sourceTree: string;
  readonly pyproject: PyprojectToml;
  /** The package, when known (from the requirement, the sdist's filename or `[project]`). */
  readonly name: PackageName | undefined;
  /** What to call the source in messages (its filename, URL or path). */
  readonly display: string;
  readonly kind: BuildKind;
  /** A private, existing directory for this build (its environment, shim, outputs). */
  readonly workDirectory: string;
}

/**
 * One PEP 517 build of one source tree: `setup` checks that building is allowed (`--no-build`,
 * which editable builds are exempt from, as in uv) and is no cycle, creates the build
 * environment through the context, installs `[build-system] requires`, then asks the backend
 * what else it needs (`get_requires_for_build_wheel` or `…_editable`) and installs that. Then
 * `metadata()` and `build()` call the backend, reusing the environment.
 * https://peps.python.org/pep-0517/ · https://peps.python.org/pep-0660/
 */
export class SourceBuild {
  #metadataDirectory: string | undefined;

  private constructor(
    private readonly options: SourceBuildOptions,
    private readonly backend: Pep517Backend,
  ) {}

  static async setup(options: SourceBuildOptions): Promise<SourceBuild> {
    const { context, name, display, kind, pyproject } = options;
    checkAllowed(context, name, display, kind);
    const environment = await context.createBuildEnvironment(join(options.workDirectory, "env"));
    const stack = name === undefined ? context.buildStack : [...context.buildStack, name];
    const { requires } = pyproject.buildSystem;
    if (requires.length > 0) await context.installBuildRequirements(requires, environment, stack);
    const backend = new Pep517Backend({
      buildSystem: pyproject.buildSystem,
      sourceTree: options.sourceTree,
      environment,
      workDirectory: options.workDirectory,
      configSettings: context.options.configSettings,
      display,
    });
    const hook =
      kind === "wheel" ? "get_requires_for_build_wheel" : "get_requires_for_build_editable";
    const extra = requirementsFrom(await backend.call(hook), display, hook);
    if (extra.length > 0) await context.installBuildRequirements(extra, environment, stack);
    return new SourceBuild(options, backend);
  }

  /**
   * The METADATA the wheel will have, from `prepare_metadata_for_build_wheel`, or undefined when
   * the backend does not offer it (then only `build()` tells). Only for `wheel` builds.
   */
  async metadata(): Promise<string | undefined> {
    const directory = join(this.options.workDirectory, "metadata");
    const distInfo = await this.backend.call("prepare_metadata_for_build_wheel", {
      metadata_directory: await mkdirp(directory),
    });
    if (distInfo === undefined) return undefined;
    if (
      typeof distInfo !== "string" ||
      distInfo.includes("/") ||
      !distInfo.endsWith(".dist-info")
    ) {
      throw badReturn(this.options.display, "prepare_metadata_for_build_wheel", distInfo);
    }
    this.#metadataDirectory = join(directory, distInfo);
    return readFile(join(this.#metadataDirectory, "METADATA"), "utf8");
  }

  /** Builds the wheel (or editable wheel) into `outputDirectory`; returns its path. */
  async build(outputDirectory: string): Promise<string> {
    const { display, kind, context, name } = this.options;
    const hook: BuildHook = kind === "wheel" ? "build_wheel" : "build_editable";
    const args: Record<string, unknown> = { wheel_directory: await mkdirp(outputDirectory) };
    // PEP 517: a frontend that prepared metadata passes its directory back to `build_wheel`.
    if (this.#metadataDirectory !== undefined) args["metadata_directory"] = this.#metadataDirectory;
    const returned = await this.backend.call(hook, args);
    if (returned === undefined) {
      throw new PuffinError(
        "build-editable-unsupported",
        `${display} cannot be installed as editable: its build backend \`${this.options.pyproject.buildSystem.backend}\` has no \`build_editable\` hook (PEP 660)`,
        { hint: "install it without `-e`, or upgrade its build backend" },
      );
    }
    if (typeof returned !== "string" || returned.includes("/")) {
      throw badReturn(display, hook, returned);
    }
    const produced = await readdir(outputDirectory);
    if (!produced.includes(returned)) throw badReturn(display, hook, returned);
    const filename = WheelFilename.tryParse(returned);
    if (filename === undefined) throw badReturn(display, hook, returned);
    if (name !== undefined && filename.name !== name) {
      throw new PuffinError(
        "build-name-mismatch",
        `Building ${display} produced \`${returned}\`, a wheel of \`${filename.name}\`, not of \`${name}\``,
      );
    }
    if (!filename.isCompatible(context.interpreter.tags())) {
      throw new PuffinError(
        "built-wheel-incompatible",
        `Building ${display} produced \`${returned}\`, which Python ${context.interpreter.version} (\`${context.interpreter.executable}\`) cannot install`,
      );
    }
    return join(outputDirectory, returned);
  }
}

/**
 * Fails with `build-cycle` when `name` is being built up this chain of builds. Callers that lock
 * per source check this before locking: the outer build holds the lock the inner one would wait
 * for.
 */
export function checkBuildCycle(context: BuildContext, name: PackageName | undefined): void {
  if (name !== undefined && context.buildStack.includes(name)) {
    const chain = [...context.buildStack.slice(context.buildStack.indexOf(name)), name];
    throw new PuffinError(
      "build-cycle",
      `Cyclic build dependency: building \`${name}\` needs \`${name}\` itself (${chain.join(" → ")})`,
      {
        hint: `a wheel of \`${name}\` breaks the cycle; check that \`--no-binary\` does not exclude it`,
      },
    );
  }
}

function checkAllowed(
  context: BuildContext,
  name: PackageName | undefined,
  display: string,
  kind: BuildKind,
): void {
  checkBuildCycle(context, name);
  if (kind === "editable") return;
  const { noBuild } = context.options;
  if (name === undefined ? noBuild.kind === "all" : selects(noBuild, name)) {
    throw new PuffinError(
      "build-disabled",
      `Building source distributions is disabled, but ${display} has no wheel${name === undefined ? "" : ` (\`${name}\`)`}`,
      {
        hint: "allow building it (remove it from `--no-build` / `--only-binary`), or provide a wheel",
      },
    );
  }
}

function requirementsFrom(value: unknown, display: string, hook: BuildHook): Requirement[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    throw badReturn(display, hook, value);
  }
  return value.map((text: string) => {
    try {
      return Requirement.parse(text);
    } catch (error) {
      throw new PuffinError(
        "build-backend-invalid",
        `The build backend of ${display} asked in \`${hook}\` for an invalid requirement ${JSON.stringify(text)}`,
        { cause: error },
      );
    }
  });
}

function badReturn(display: string, hook: BuildHook, value: unknown): PuffinError {
  return new PuffinError(
    "build-backend-invalid",
    `The build backend of ${display} returned ${JSON.stringify(value)} from \`${hook}\`, which is not what PEP 517 allows`,
  );
}

async function mkdirp(directory: string): Promise<string> {
  await mkdir(directory, { recursive: true });
  return directory;
}
