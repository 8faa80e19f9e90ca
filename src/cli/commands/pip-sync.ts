import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Command } from "commander";
import type { DesiredDist, InstalledDist, Plan } from "../../distribution-types/index.ts";
import type { InstalledWheel, WheelFetcher, WheelRequest } from "../../installer/index.ts";
import type { Interpreter } from "../../interpreter/index.ts";
import type { PackageName } from "../../normalize/index.ts";
import type { Version } from "../../pep440/index.ts";
import type { DirectUrl } from "../../pypi-types/index.ts";
import type { RequirementEntry, RequirementsTxt } from "../../requirements-txt/index.ts";
import { PuffinError, redactCredentials } from "../../support/index.ts";
import {
  type CommandContext,
  openRegistrySession,
  type RegistrySession,
} from "../command-context.ts";
import {
  type EnvironmentOptions,
  openEnvironment,
  pythonOption,
  readSitePackages,
} from "../environment.ts";
import { addIndexOptions, type IndexOptionValues } from "../index-options.ts";
import { type Change, elapsed, packages, printChanges } from "../install-summary.ts";
import type { Printer } from "../printer.ts";

/**
 * `puffin pip sync REQUIREMENTS...`: make the environment exactly the files' pins, without
 * resolving: every requirement pinned with `==` (or a wheel URL/path), everything else installed
 * is removed. Steps and output as uv's: read the files (`Resolved`), find and download the
 * missing wheels (`Prepared`, before anything in the environment changes, so a failed download
 * or hash check leaves it untouched), then under the environment's lock uninstall what goes
 * (`Uninstalled`) and install what comes (`Installed`), then the ` - ` / ` + ` lines.
 */

interface SyncOptions extends EnvironmentOptions, IndexOptionValues {
  reinstall?: boolean;
  reinstallPackage?: string[];
  linkMode?: string;
  requireHashes?: boolean;
  compileBytecode?: boolean;
  strict?: boolean;
  dryRun?: boolean;
}

/** One line of the files, as the installer needs it. */
interface SyncTarget {
  readonly dist: DesiredDist;
  /** Where the wheel comes from when it is not the registry's. */
  readonly direct: { readonly request: WheelRequest["source"]; readonly url: string } | undefined;
  readonly allowedHashes: ReadonlyMap<string, readonly string[]> | undefined;
}

const repeat = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  value,
];

export function registerPipSyncCommand(pip: Command, context: CommandContext): void {
  const command = pip
    .command("sync")
    .description("Sync an environment with a `requirements.txt` file")
    .argument("<SRC_FILE...>", "Include all packages listed in the given `requirements.txt` files")
    .addOption(pythonOption("sync"))
    .option(
      "--reinstall",
      "Reinstall all packages, regardless of whether they're already installed",
    )
    .option("--reinstall-package <PACKAGE>", "Reinstall a specific package (repeatable)", repeat)
    .option(
      "--link-mode <LINK_MODE>",
      "How to install files from the cache: clone (default; hardlink where cloning is unsupported), hardlink or copy",
    )
    .option(
      "--require-hashes",
      "Require a matching hash for each requirement [env: PUFFIN_REQUIRE_HASHES=]",
    )
    .option("--compile-bytecode", "Compile Python files to bytecode after installation")
    .option(
      "--strict",
      "Validate the environment after the installation, reporting missing or conflicting dependencies",
    )
    .option("--dry-run", "Perform a dry run: print what would change, change nothing");
  addIndexOptions(command).action(async (files: string[], options: SyncOptions, cmd: Command) => {
    await pipSync(files, options, cmd, context);
  });
}

async function pipSync(
  paths: readonly string[],
  options: SyncOptions,
  command: Command,
  context: CommandContext,
): Promise<void> {
  const started = performance.now();
  const printer = context.printer();
  const [{ parseRequirementsFile }, installer] = await Promise.all([
    import("../../requirements-txt/index.ts"),
    import("../../installer/index.ts"),
  ]);
  const linkMode =
    options.linkMode === undefined ? undefined : installer.parseLinkMode(options.linkMode);
  const files = await Promise.all(
    paths.map((path) => parseRequirementsFile(path, { workingDir: context.cwd, env: context.env })),
  );
  const { interpreter, site } = await openEnvironment(command, options, context);
  applyFileIndexOptions(command, files, context.env);
  const requireHashes =
    options.requireHashes === true ||
    /^(1|true|yes|on)$/i.test(context.env["PUFFIN_REQUIRE_HASHES"] ?? "") ||
    files.some(
      (file) => file.requireHashes || file.requirements.some((entry) => entry.hashes.length > 0),
    );
  const targets = await syncTargets(files, interpreter, requireHashes);
  const desired = targets.map((target) => target.dist);
  const planOptions = {
    reinstall: options.reinstall === true,
    reinstallPackages: await parseNames(options.reinstallPackage ?? []),
  };
  const installed = site.dists();
  let plan = installer.plan(desired, installed, planOptions);

  let session: RegistrySession | undefined;
  try {
    const requests = new Map<PackageName, WheelRequest>();
    let fetcher: WheelFetcher | undefined;
    if (plan.remote.length > 0) {
      session = await openRegistrySession(command, context);
      fetcher = new installer.WheelFetcher({ cache: session.cache, http: session.http });
      const byName = new Map(targets.map((target) => [target.dist.name, target]));
      await findWheels(plan.remote, byName, session, interpreter, requests);
      const cached = new Map<PackageName, import("../../distribution-types/index.ts").CachedDist>();
      await Promise.all(
        [...requests].map(async ([name, request]) => {
          const found = await fetcher!.lookup(request);
          if (found !== undefined) cached.set(name, found);
        }),
      );
      plan = installer.plan(desired, installed, { ...planOptions, cached });
    }
    printer.info(`Resolved ${packages(desired.length)} in ${elapsed(started)}`);

    const removals = [
      ...plan.reinstalls.map((reinstall) => reinstall.installed),
      ...plan.extraneous,
    ];
    const additions = [...plan.cached.map((c) => c.dist), ...plan.remote];
    if (options.dryRun) {
      reportDryRun(printer, plan, removals, targets);
      return;
    }
    if (removals.length === 0 && additions.length === 0) {
      printer.info(`Audited ${packages(desired.length)} in ${elapsed(started)}`);
      if (options.strict) await reportStrict(printer, interpreter);
      return;
    }

    // Download everything before touching the environment.
    const wheels = new Map<PackageName, import("../../distribution-types/index.ts").CachedDist>();
    for (const { dist, cached } of plan.cached) wheels.set(dist.name, cached);
    if (plan.remote.length > 0) {
      const preparing = performance.now();
      await Promise.all(
        plan.remote.map(async (dist) => {
          const fetched = await fetcher!.fetch(requests.get(dist.name)!);
          wheels.set(dist.name, fetched.cached);
        }),
      );
      printer.info(`Prepared ${packages(plan.remote.length)} in ${elapsed(preparing)}`);
    }

    const layout = installer.layoutFor(interpreter);
    const lock = await installer.lockEnvironment(layout);
    let results: InstalledWheel[];
    try {
      if (removals.length > 0) {
        const uninstalling = performance.now();
        await installer.uninstall(removals, { layout, lockHeld: true });
        printer.info(`Uninstalled ${packages(removals.length)} in ${elapsed(uninstalling)}`);
      }
      const installing = performance.now();
      const byName = new Map(targets.map((target) => [target.dist.name, target]));
      results = await installer.installWheels(
        additions.map((dist) => {
          const target = byName.get(dist.name)!;
          const cached = wheels.get(dist.name)!;
          return { cached, requested: true, directUrl: directUrlOf(target, cached.hashes) };
        }),
        { layout, lockHeld: true, ...(linkMode === undefined ? {} : { linkMode }) },
      );
      printer.info(`Installed ${packages(additions.length)} in ${elapsed(installing)}`);
    } finally {
      await lock.release();
    }
    const byName = new Map(targets.map((target) => [target.dist.name, target]));
    printChanges(printer, [
      ...removals.map(
        (dist): Change => ({
          kind: "-",
          name: dist.name,
          version: dist.version,
          url: installedUrl(dist),
        }),
      ),
      ...additions.map(
        (dist): Change => ({
          kind: "+",
          name: dist.name,
          version: dist.version,
          url: byName.get(dist.name)?.direct?.url,
        }),
      ),
    ]);
    if (options.compileBytecode) await compileBytecode(printer, interpreter, results);
    if (options.strict) await reportStrict(printer, interpreter);
  } finally {
    await session?.close();
  }
}

async function parseNames(names: readonly string[]): Promise<PackageName[]> {
  const { PackageName } = await import("../../normalize/index.ts");
  return names.map((name) => PackageName.parse(name));
}

/**
 * Index options from the files (`--index-url`, `--extra-index-url`, `--find-links`,
 * `--no-index`) join the command line's, as in pip and uv: the command line's (or the
 * environment's) `--index-url` wins over a file's; the lists add up.
 */
function applyFileIndexOptions(
  command: Command,
  files: readonly RequirementsTxt[],
  env: NodeJS.ProcessEnv,
): void {
  const given = command.opts<IndexOptionValues>();
  const fileIndex = files
    .map((file) => file.indexUrl)
    .filter((url) => url !== undefined)
    .at(-1);
  if (
    given.indexUrl === undefined &&
    env["PUFFIN_INDEX_URL"] === undefined &&
    fileIndex !== undefined
  ) {
    command.setOptionValue("indexUrl", fileIndex);
  }
  const extra = files.flatMap((file) => file.extraIndexUrls);
  if (extra.length > 0)
    command.setOptionValue("extraIndexUrl", [...(given.extraIndexUrl ?? []), ...extra]);
  const findLinks = files.flatMap((file) => file.findLinks);
  if (findLinks.length > 0)
    command.setOptionValue("findLinks", [...(given.findLinks ?? []), ...findLinks]);
  if (files.some((file) => file.noIndex)) command.setOptionValue("index", false);
}

/** The files' requirements that apply to this interpreter, as desired distributions. */
async function syncTargets(
  files: readonly RequirementsTxt[],
  interpreter: Interpreter,
  requireHashes: boolean,
): Promise<SyncTarget[]> {
  const [{ WheelFilename }, { stat }] = await Promise.all([
    import("../../filenames/index.ts"),
    import("node:fs/promises"),
  ]);
  const editable = files.flatMap((file) => file.editables)[0];
  if (editable !== undefined) {
    throw new PuffinError(
      "unsupported-requirement",
      `${where(editable)}: editable requirements are not supported yet`,
    );
  }
  const targets = new Map<PackageName, SyncTarget & { entry: RequirementEntry }>();
  for (const entry of files.flatMap((file) => file.requirements)) {
    const { requirement } = entry;
    const marker = requirement.requirement.marker;
    if (marker !== undefined && !marker.evaluate(interpreter.markers, [])) continue;
    const allowedHashes = hashesOf(entry);
    if (requireHashes && allowedHashes === undefined) {
      throw new PuffinError(
        "missing-hash",
        `${where(entry)}: in --require-hashes mode, every requirement must have a hash, but \`${entryText(entry)}\` has none`,
        {
          hint: "Add `--hash=sha256:…` to the line (`puffin pip compile --generate-hashes` writes them)",
        },
      );
    }
    let target: SyncTarget;
    const url =
      requirement.kind === "unnamed"
        ? requirement.requirement.url
        : requirement.requirement.version.kind === "url"
          ? requirement.requirement.version.url
          : undefined;
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
        allowedHashes,
      };
    } else {
      const parsed = url!.url;
      const lastSegment = decodeURIComponent(parsed.pathname.split("/").at(-1) ?? "");
      if (!/^(https?|file):$/.test(parsed.protocol) || !lastSegment.endsWith(".whl")) {
        throw new PuffinError(
          "unsupported-requirement",
          `${where(entry)}: \`${redactCredentials(url!.given)}\` is not a wheel; installing from source distributions, directories and version control is not supported yet`,
        );
      }
      const filename = WheelFilename.parse(lastSegment);
      if (requirement.kind === "named" && requirement.requirement.name !== filename.name) {
        throw new PuffinError(
          "requirement-name-mismatch",
          `${where(entry)}: the requirement names \`${requirement.requirement.name}\`, but ${redactCredentials(url!.given)} is a wheel of \`${filename.name}\``,
        );
      }
      if (parsed.protocol === "file:") {
        const path = fileURLToPath(parsed);
        const modifiedMs = await stat(path).then(
          (stats) => stats.mtimeMs,
          () => {
            throw new PuffinError(
              "wheel-not-found",
              `${where(entry)}: the wheel ${path} does not exist`,
            );
          },
        );
        target = {
          dist: {
            name: filename.name,
            version: filename.version,
            source: { kind: "path", url: pathToFileURL(path).href, modifiedMs },
          },
          direct: { request: { kind: "path", path }, url: pathToFileURL(path).href },
          allowedHashes,
        };
      } else {
        target = {
          dist: {
            name: filename.name,
            version: filename.version,
            source: { kind: "url", url: parsed.href },
          },
          direct: { request: { kind: "url", url: parsed.href }, url: parsed.href },
          allowedHashes,
        };
      }
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

function sameTarget(a: SyncTarget, b: SyncTarget): boolean {
  return a.dist.version.equals(b.dist.version) && a.direct?.url === b.direct?.url;
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

function hashesOf(entry: RequirementEntry): Map<string, string[]> | undefined {
  if (entry.hashes.length === 0) return undefined;
  const hashes = new Map<string, string[]>();
  for (const value of entry.hashes) {
    const colon = value.indexOf(":");
    const algorithm = value.slice(0, colon).toLowerCase();
    hashes.set(algorithm, [...(hashes.get(algorithm) ?? []), value.slice(colon + 1).toLowerCase()]);
  }
  return hashes;
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

/** The wheel of each distribution to fetch: the registry's best file, or the direct URL/path. */
async function findWheels(
  remote: readonly DesiredDist[],
  targets: ReadonlyMap<PackageName, SyncTarget>,
  session: RegistrySession,
  interpreter: Interpreter,
  requests: Map<PackageName, WheelRequest>,
): Promise<void> {
  const { RegistryProvider, targetFromInterpreter } = await import("../../resolver/index.ts");
  const provider = new RegistryProvider({
    client: session.client,
    target: targetFromInterpreter(interpreter),
  });
  await Promise.all(
    remote.map(async (dist) => {
      const target = targets.get(dist.name)!;
      if (target.direct !== undefined) {
        requests.set(dist.name, {
          source: target.direct.request,
          allowedHashes: target.allowedHashes,
        });
        return;
      }
      const file = await provider.bestFile(dist.name, dist.version);
      const label = `${dist.name}==${dist.version.toString()}`;
      if (file === undefined) {
        throw new PuffinError(
          "no-matching-distribution",
          `No distribution of \`${label}\` that this environment can install was found`,
          {
            hint: `Python ${interpreter.version} on ${interpreter.markers.sys_platform}; check that the version exists on the configured indexes and has a compatible wheel`,
          },
        );
      }
      if (file.file.distFilename.kind !== "wheel") {
        throw new PuffinError(
          "unsupported-requirement",
          `\`${label}\` has no wheel for this environment, only ${file.file.filename}; building source distributions is not supported yet`,
        );
      }
      requests.set(dist.name, {
        source: { kind: "registry", file },
        allowedHashes: target.allowedHashes,
      });
    }),
  );
}

/** PEP 610 `direct_url.json` for a URL or path wheel. */
function directUrlOf(
  target: SyncTarget,
  hashes: Readonly<Record<string, string>>,
): DirectUrl | undefined {
  if (target.direct === undefined) return undefined;
  const sha256 = hashes["sha256"];
  return {
    kind: "archive",
    url: target.direct.url,
    hashes: sha256 === undefined ? {} : { sha256 },
  };
}

function installedUrl(dist: InstalledDist): string | undefined {
  return dist.directUrl === undefined || dist.directUrl.kind !== "archive"
    ? undefined
    : dist.directUrl.url;
}

function reportDryRun(
  printer: Printer,
  plan: Plan,
  removals: readonly InstalledDist[],
  targets: readonly SyncTarget[],
): void {
  const additions = [...plan.cached.map((c) => c.dist), ...plan.remote];
  if (removals.length === 0 && additions.length === 0) {
    printer.info("Would make no changes");
    return;
  }
  if (plan.remote.length > 0) printer.info(`Would download ${packages(plan.remote.length)}`);
  if (removals.length > 0) printer.info(`Would uninstall ${packages(removals.length)}`);
  if (additions.length > 0) printer.info(`Would install ${packages(additions.length)}`);
  const byName = new Map(targets.map((target) => [target.dist.name, target]));
  printChanges(printer, [
    ...removals.map(
      (dist): Change => ({
        kind: "-",
        name: dist.name,
        version: dist.version,
        url: installedUrl(dist),
      }),
    ),
    ...additions.map(
      (dist): Change => ({
        kind: "+",
        name: dist.name,
        version: dist.version,
        url: byName.get(dist.name)?.direct?.url,
      }),
    ),
  ]);
}

/** `--strict`: what `pip check` would say about the environment, as warnings. */
async function reportStrict(printer: Printer, interpreter: Interpreter): Promise<void> {
  const { checkEnvironment } = await import("../../installer/index.ts");
  const site = await readSitePackages(interpreter);
  for (const diagnostic of await checkEnvironment(site, interpreter.markers)) {
    switch (diagnostic.kind) {
      case "missing":
        printer.log(
          "warn",
          `The package \`${diagnostic.dist.name}\` requires \`${diagnostic.requirement.toString()}\`, but it's not installed`,
        );
        break;
      case "incompatible":
        printer.log(
          "warn",
          `The package \`${diagnostic.dist.name}\` requires \`${diagnostic.requirement.toString()}\`, but \`${diagnostic.installed.toString()}\` is installed`,
        );
        break;
      case "duplicate":
        printer.log(
          "warn",
          `The package \`${diagnostic.name}\` has multiple installed distributions`,
        );
        break;
    }
  }
}

/**
 * `--compile-bytecode`: the installed `.py` files of purelib/platlib compiled by the target
 * Python (`-m compileall`, as pip and uv do), split across one process per core. Files that do
 * not compile (Python 2 test fixtures in some wheels) are skipped, as pip skips them.
 */
async function compileBytecode(
  printer: Printer,
  interpreter: Interpreter,
  installed: readonly InstalledWheel[],
): Promise<void> {
  const started = performance.now();
  const { purelib, platlib } = interpreter.info.scheme;
  const roots = [purelib, platlib];
  const files: string[] = [];
  for (const wheel of installed) {
    const base = dirname(wheel.distInfo);
    for (const row of wheel.record) {
      if (!row.path.endsWith(".py")) continue;
      const path = join(base, row.path);
      if (roots.some((root) => !relative(root, path).startsWith(".."))) files.push(path);
    }
  }
  const workers = Math.max(1, Math.min(availableParallelism(), Math.ceil(files.length / 64)));
  const chunks = Array.from({ length: workers }, (_, i) =>
    files.filter((_, j) => j % workers === i),
  );
  await Promise.all(chunks.map((chunk) => runCompileall(interpreter.executable, chunk)));
  printer.info(
    `Bytecode compiled ${files.length} file${files.length === 1 ? "" : "s"} in ${elapsed(started)}`,
  );
}

function runCompileall(python: string, files: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ["-m", "compileall", "-qq", "-i", "-"], {
      stdio: ["pipe", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error) =>
      reject(
        new PuffinError("compile-failed", `Failed to run ${python} -m compileall`, {
          cause: error,
        }),
      ),
    );
    child.on("close", (code) => {
      // compileall exits 1 when a file does not compile; only other failures are errors.
      if (code === 0 || code === 1) resolve();
      else
        reject(
          new PuffinError(
            "compile-failed",
            `${python} -m compileall exited with ${code}: ${stderr.trim()}`,
          ),
        );
    });
    child.stdin.end(files.map((file) => `${file}\n`).join(""));
  });
}
