import type { Command } from "commander";
import type { ConfigSettings } from "../../build-context/index.ts";
import type { BuildDispatch } from "../../dispatch/index.ts";
import type { Interpreter } from "../../interpreter/index.ts";
import type { PackageName } from "../../normalize/index.ts";
import type { Version } from "../../pep440/index.ts";
import type { RequirementEntry, RequirementsTxt } from "../../requirements-txt/index.ts";
import { PuffinError, redactCredentials } from "../../support/index.ts";
import { addBuildOptions, type BuildOptionValues, openSourceBuilds } from "../build-options.ts";
import {
  type CommandContext,
  openRegistrySession,
  type RegistrySession,
} from "../command-context.ts";
import { type EnvironmentOptions, openEnvironment, pythonOption } from "../environment.ts";
import {
  type InstallTarget,
  reportStrict,
  requireHashesFlag,
  updateEnvironment,
  wheelUrlTarget,
} from "../environment-update.ts";
import {
  addIndexOptions,
  type IndexOptionValues,
  mergeFileIndexOptions,
} from "../index-options.ts";
import { addInstallOptions } from "../install-options.ts";
import { elapsed, packages } from "../install-summary.ts";

/**
 * `puffin pip sync REQUIREMENTS...`: make the environment exactly the files' pins, without
 * resolving: every requirement pinned with `==` (or a wheel URL/path), everything else installed
 * is removed. Reading the files is the `Resolved` step; the rest is `updateEnvironment`'s.
 */

interface SyncOptions extends EnvironmentOptions, IndexOptionValues, BuildOptionValues {
  reinstall?: boolean;
  reinstallPackage?: string[];
  linkMode?: string;
  requireHashes?: boolean;
  compileBytecode?: boolean;
  strict?: boolean;
  dryRun?: boolean;
}

export function registerPipSyncCommand(pip: Command, context: CommandContext): void {
  const command = pip
    .command("sync")
    .description("Sync an environment with a `requirements.txt` file")
    .argument("<SRC_FILE...>", "Include all packages listed in the given `requirements.txt` files")
    .addOption(pythonOption("sync"));
  addIndexOptions(addBuildOptions(addInstallOptions(command))).action(
    async (files: string[], options: SyncOptions, cmd: Command) => {
      await pipSync(files, options, cmd, context);
    },
  );
}

async function pipSync(
  paths: readonly string[],
  options: SyncOptions,
  command: Command,
  context: CommandContext,
): Promise<void> {
  const started = performance.now();
  const printer = context.printer();
  const [{ parseRequirementsFile }, { parseLinkMode }] = await Promise.all([
    import("../../requirements-txt/index.ts"),
    import("../../installer/index.ts"),
  ]);
  const linkMode = options.linkMode === undefined ? undefined : parseLinkMode(options.linkMode);
  const files = await Promise.all(
    paths.map((path) => parseRequirementsFile(path, { workingDir: context.cwd, env: context.env })),
  );
  const { interpreter, site } = await openEnvironment(command, options, context);
  mergeFileIndexOptions(
    command,
    {
      indexUrl: files
        .map((file) => file.indexUrl)
        .filter((url) => url !== undefined)
        .at(-1),
      extraIndexUrls: files.flatMap((file) => file.extraIndexUrls),
      findLinks: files.flatMap((file) => file.findLinks),
      noIndex: files.some((file) => file.noIndex),
    },
    context.env,
  );
  const requireHashes =
    requireHashesFlag(options.requireHashes, context.env) ||
    files.some(
      (file) => file.requireHashes || file.requirements.some((entry) => entry.hashes.length > 0),
    );
  let session: RegistrySession | undefined;
  let builds: BuildDispatch | undefined;
  // Opened when a requirement needs a build (its metadata, or its wheel).
  const openBuilds = async (): Promise<{ session: RegistrySession; builds: BuildDispatch }> => {
    session ??= await openRegistrySession(command, context);
    if (builds === undefined) {
      const opened = await openSourceBuilds(session, interpreter, options, context.env);
      const perPackage = await packageConfigSettings(files);
      builds = perPackage.size === 0 ? opened : opened.withPackageConfigSettings(perPackage);
    }
    return { session, builds };
  };
  try {
    const targets = await syncTargets(files, interpreter, requireHashes, openBuilds);
    printer.info(`Resolved ${packages(targets.length)} in ${elapsed(started)}`);
    const outcome = await updateEnvironment({
      printer,
      interpreter,
      installed: site.dists(),
      targets,
      sources: async () => {
        const opened = await openBuilds();
        const { RegistryProvider, targetFromInterpreter } = await import("../../resolver/index.ts");
        const provider = new RegistryProvider({
          client: opened.session.client,
          target: targetFromInterpreter(interpreter),
        });
        const { cache, http, archiveLimits } = opened.session;
        return { cache, http, provider, builds: opened.builds, archiveLimits };
      },
      removeExtraneous: true,
      reinstall: options.reinstall === true,
      reinstallPackages: await parseNames(options.reinstallPackage ?? []),
      linkMode,
      dryRun: options.dryRun === true,
      compileBytecode: options.compileBytecode === true,
      started,
      steps: true,
    });
    if (outcome !== "dry-run" && options.strict) await reportStrict(printer, interpreter);
  } finally {
    await builds?.close();
    await session?.close();
  }
}

/**
 * The per-line `--config-settings` of named requirements (`pkg==1.0 --config-settings k=v`),
 * for their builds from the index; a URL line passes its own to `directTarget`.
 */
async function packageConfigSettings(
  files: readonly RequirementsTxt[],
): Promise<Map<PackageName, ConfigSettings>> {
  const { lineConfigSettings } = await import("../../dispatch/index.ts");
  const settings = new Map<PackageName, ConfigSettings>();
  for (const entry of files.flatMap((file) => [...file.requirements, ...file.editables])) {
    const own = lineConfigSettings(entry.configSettings);
    if (own === undefined || entry.requirement.kind !== "named") continue;
    const name = entry.requirement.requirement.name;
    settings.set(name, { ...settings.get(name), ...own });
  }
  return settings;
}

async function parseNames(names: readonly string[]): Promise<PackageName[]> {
  const { PackageName } = await import("../../normalize/index.ts");
  return names.map((name) => PackageName.parse(name));
}

/** The files' requirements that apply to this interpreter, as install targets. */
async function syncTargets(
  files: readonly RequirementsTxt[],
  interpreter: Interpreter,
  requireHashes: boolean,
  openBuilds: () => Promise<{ readonly builds: BuildDispatch }>,
): Promise<InstallTarget[]> {
  const [{ directTarget, lineConfigSettings }, { parseHashOptions, splitHashFragment }] =
    await Promise.all([import("../../dispatch/index.ts"), import("../../pypi-types/index.ts")]);
  const targets = new Map<PackageName, InstallTarget & { entry: RequirementEntry }>();
  for (const entry of files.flatMap((file) => [...file.requirements, ...file.editables])) {
    const { requirement } = entry;
    const marker = requirement.requirement.marker;
    if (marker !== undefined && !marker.evaluate(interpreter.markers, [])) continue;
    const hashes = parseHashOptions(entry.hashes);
    const url =
      requirement.kind === "unnamed"
        ? requirement.requirement.url
        : requirement.requirement.version.kind === "url"
          ? requirement.requirement.version.url
          : undefined;
    // Source trees, sdists and git are built (an editable wheel URL fails there, naming it);
    // with hashes required, a directory or git is refused there before the missing hash is.
    const needsBuild = url !== undefined && (entry.editable || !isWheelUrl(url));
    const build = needsBuild
      ? await directTarget((await openBuilds()).builds, url, {
          name: requirement.kind === "named" ? requirement.requirement.name : undefined,
          editable: entry.editable,
          allowedHashes: hashes,
          requireHashes,
          configSettings: lineConfigSettings(entry.configSettings),
        })
      : undefined;
    // A URL's own `#sha256=…` counts as a hash, as in pip (and is checked when fetched).
    const fragmentHashes =
      url !== undefined && Object.keys(splitHashFragment(url.given).hashes).length > 0;
    if (requireHashes && hashes === undefined && !fragmentHashes) {
      throw new PuffinError(
        "missing-hash",
        `${where(entry)}: in --require-hashes mode, every requirement must have a hash, but \`${entryText(entry)}\` has none`,
        {
          hint: "Add `--hash=sha256:…` to the line (`puffin pip compile --generate-hashes` writes them)",
        },
      );
    }
    let target: InstallTarget;
    if (url === undefined && requirement.kind === "named") {
      const named = requirement.requirement;
      const version = pinnedVersion(
        named.version.kind === "specifiers" ? named.version.specifiers.specifiers : [],
      );
      if (version === undefined) {
        throw new PuffinError(
          "unpinned-requirement",
          `${where(entry)}: \`${named.toString()}\` is not pinned to one version; \`pip sync\` installs exact pins (\`name==version\`)`,
          { hint: "Compile the file with `puffin pip compile` to pin every requirement" },
        );
      }
      target = {
        dist: { name: named.name, version, source: { kind: "registry" } },
        direct: undefined,
        allowedHashes: hashes,
        requested: true,
      };
    } else {
      target =
        build === undefined
          ? await wheelUrlTarget(url!, {
              name: requirement.kind === "named" ? requirement.requirement.name : undefined,
              where: where(entry),
              allowedHashes: hashes,
              requested: true,
            })
          : // The archive's hash was checked by `directTarget`.
            {
              dist: build.dist,
              direct: undefined,
              build,
              allowedHashes: undefined,
              requested: true,
            };
    }
    const previous = targets.get(target.dist.name);
    if (previous !== undefined && !sameTarget(previous, target)) {
      throw new PuffinError(
        "conflicting-requirements",
        `\`${entryText(previous.entry)}\` (${where(previous.entry)}) and \`${entryText(entry)}\` (${where(entry)}) ask for different versions of ${target.dist.name}`,
      );
    }
    targets.set(target.dist.name, { ...target, entry });
  }
  return [...targets.values()].map(({ entry: _entry, ...target }) => target);
}

function sameTarget(a: InstallTarget, b: InstallTarget): boolean {
  return (
    a.dist.version.equals(b.dist.version) &&
    a.direct?.url === b.direct?.url &&
    a.build?.directUrl.url === b.build?.directUrl.url
  );
}

/** Whether a requirement's URL names a wheel file (installed as it is, without a build). */
function isWheelUrl(url: { readonly url: URL; readonly given: string }): boolean {
  return !url.given.startsWith("git+") && url.url.pathname.endsWith(".whl");
}

/** The version an `==V` (or `===V`) specifier pins, if the specifiers are exactly one pin. */
function pinnedVersion(
  specifiers: readonly { operator: string; version: Version; wildcard: boolean }[],
): Version | undefined {
  if (specifiers.length !== 1) return undefined;
  const [only] = specifiers;
  return (only!.operator === "==" || only!.operator === "===") && !only!.wildcard
    ? only!.version
    : undefined;
}

function where(entry: RequirementEntry): string {
  return `${entry.source.file}:${entry.source.line}`;
}

function entryText(entry: RequirementEntry): string {
  const { requirement } = entry;
  return requirement.kind === "named"
    ? requirement.requirement.toString()
    : redactCredentials(requirement.requirement.url.given);
}
