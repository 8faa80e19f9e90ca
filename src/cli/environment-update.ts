import { spawn } from "node:child_process";
import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Cache } from "../cache/index.ts";
import type { HttpClient } from "../client/index.ts";
import type { BuildDispatch, DirectTarget } from "../dispatch/index.ts";
import type { CachedDist, DesiredDist, InstalledDist, Plan } from "../distribution-types/index.ts";
import type { InstalledWheel, LinkMode, WheelRequest } from "../installer/index.ts";
import type { Interpreter } from "../interpreter/index.ts";
import type { PackageName } from "../normalize/index.ts";
import type { VerbatimUrl } from "../pep508/index.ts";
import type { DirectUrl } from "../pypi-types/index.ts";
import type { RegistryProvider } from "../resolver/index.ts";
import {
  type ArchiveLimits,
  describeSystemError,
  PuffinError,
  redactCredentials,
} from "../support/index.ts";
import { readSitePackages } from "./environment.ts";
import { type Change, elapsed, packages, printChanges } from "./install-summary.ts";
import type { Printer } from "./printer.ts";

/**
 * The install half shared by `pip sync`, `pip install` and `venv --seed`: from the desired
 * distributions (a file's pins or a resolution) to a changed environment, with uv's output.
 * Plan against what is installed; find the wheels to fetch (the registry's best file for this
 * interpreter, or the URL/path the user gave) and look them up in the cache; download every
 * missing one (`Prepared`) before anything in the environment changes, so a failed download or
 * hash check leaves it untouched; then, under the environment's lock, uninstall what goes
 * (`Uninstalled`) and install what comes (`Installed`), then the ` - ` / ` + ` lines.
 */

/** One distribution the environment should hold, as the installer needs it. */
export interface InstallTarget {
  readonly dist: DesiredDist;
  /** Where the wheel comes from when it is not the registry's. */
  readonly direct: { readonly request: WheelRequest["source"]; readonly url: string } | undefined;
  /**
   * `--hash` values: algorithm → accepted digests (of the wheel, or of the sdist a registry
   * wheel is built from; a `build` target checks its archive itself).
   */
  readonly allowedHashes: ReadonlyMap<string, readonly string[]> | undefined;
  /** A source tree, sdist URL/path, git or editable requirement: built when installed. */
  readonly build?: DirectTarget | undefined;
  /** Named by the user (not only needed by another package): gets `REQUESTED` (PEP 376). */
  readonly requested: boolean;
}

/** What fetching wheels needs; opened only when something is not installed yet. */
export interface WheelSources {
  readonly cache: Cache;
  readonly http: HttpClient;
  /** Finds the registry file of a version (`bestFile`) for the interpreter's tags. */
  readonly provider: Pick<RegistryProvider, "bestFile">;
  /** Builds wheels of sdists and direct sources; without it they are an error. */
  readonly builds?: BuildDispatch | undefined;
  /** How much one wheel may unpack to. */
  readonly archiveLimits: ArchiveLimits;
}

export interface EnvironmentUpdate {
  readonly printer: Printer;
  readonly interpreter: Interpreter;
  readonly installed: readonly InstalledDist[];
  readonly targets: readonly InstallTarget[];
  readonly sources: () => Promise<WheelSources>;
  /** `pip sync`: installed distributions that are not targets are removed. */
  readonly removeExtraneous: boolean;
  readonly reinstall: boolean;
  readonly reinstallPackages: readonly PackageName[];
  readonly linkMode: LinkMode | undefined;
  readonly dryRun: boolean;
  readonly compileBytecode: boolean;
  /** When the command started: `Audited N packages in …` counts from here. */
  readonly started: number;
  /**
   * Print the step summaries (`Prepared …`, `Installed …`, `Audited …`); `false` prints only the
   * ` + ` / ` - ` lines, as `venv --seed` does in uv.
   */
  readonly steps: boolean;
}

/** What the update did: printed a dry run, found nothing to change, or changed the environment. */
export type UpdateOutcome = "dry-run" | "audited" | "changed";

export async function updateEnvironment(update: EnvironmentUpdate): Promise<UpdateOutcome> {
  const installer = await import("../installer/index.ts");
  const { printer, interpreter, targets } = update;
  const step = (line: string) => {
    if (update.steps) printer.info(line);
  };
  const desired = targets.map((target) => target.dist);
  const byName = new Map(targets.map((target) => [target.dist.name, target]));
  const planOptions = {
    reinstall: update.reinstall,
    reinstallPackages: update.reinstallPackages,
  };
  let plan = installer.plan(desired, update.installed, planOptions);
  if (!update.removeExtraneous) plan = { ...plan, extraneous: [] };

  const requests = new Map<PackageName, WheelRequest>();
  let fetcher: InstanceType<typeof installer.WheelFetcher> | undefined;
  let cache: Cache | undefined;
  if (plan.remote.length > 0) {
    const sources = await update.sources();
    cache = sources.cache;
    fetcher = new installer.WheelFetcher({
      cache: sources.cache,
      http: sources.http,
      archiveLimits: sources.archiveLimits,
    });
    await findWheels(plan.remote, byName, sources, interpreter, requests);
    const cached = new Map<PackageName, CachedDist>();
    await Promise.all(
      [...requests].map(async ([name, request]) => {
        const found = await fetcher!.lookup(request);
        if (found !== undefined) cached.set(name, found);
      }),
    );
    plan = installer.plan(desired, update.installed, { ...planOptions, cached });
    if (!update.removeExtraneous) plan = { ...plan, extraneous: [] };
  }

  const removals = [...plan.reinstalls.map((reinstall) => reinstall.installed), ...plan.extraneous];
  const additions = [...plan.cached.map((c) => c.dist), ...plan.remote];
  const changes = (): Change[] => [
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
        url: targetUrl(byName.get(dist.name)),
      }),
    ),
  ];
  if (update.dryRun) {
    reportDryRun(printer, plan, removals, additions);
    printChanges(printer, changes());
    return "dry-run";
  }
  if (removals.length === 0 && additions.length === 0) {
    step(`Audited ${packages(desired.length)} in ${elapsed(update.started)}`);
    return "audited";
  }

  // Download everything before touching the environment.
  const wheels = new Map<PackageName, CachedDist>();
  for (const { dist, cached } of plan.cached) wheels.set(dist.name, cached);
  if (plan.remote.length > 0) {
    const preparing = performance.now();
    await Promise.all(
      plan.remote.map(async (dist) => {
        const fetched = await fetcher!.fetch(requests.get(dist.name)!).catch((error: unknown) => {
          throw preparationFault(error, dist, cache);
        });
        wheels.set(dist.name, fetched.cached);
      }),
    );
    step(`Prepared ${packages(plan.remote.length)} in ${elapsed(preparing)}`);
  }

  const layout = installer.layoutFor(interpreter);
  const lock = await installer.lockEnvironment(layout);
  let results: InstalledWheel[];
  try {
    if (removals.length > 0) {
      const uninstalling = performance.now();
      await installer.uninstall(removals, { layout, lockHeld: true });
      step(`Uninstalled ${packages(removals.length)} in ${elapsed(uninstalling)}`);
    }
    const installing = performance.now();
    results = await installer.installWheels(
      additions.map((dist) => {
        const target = byName.get(dist.name)!;
        const cached = wheels.get(dist.name)!;
        return {
          cached,
          requested: target.requested,
          directUrl: directUrlOf(target, cached.hashes),
        };
      }),
      {
        layout,
        lockHeld: true,
        ...(update.linkMode === undefined ? {} : { linkMode: update.linkMode }),
      },
    );
    step(`Installed ${packages(additions.length)} in ${elapsed(installing)}`);
  } finally {
    await lock.release();
  }
  printChanges(printer, changes());
  if (update.compileBytecode) await compileBytecode(printer, interpreter, results);
  return "changed";
}

/**
 * The target of a wheel given by URL or path (a requirements line, or a resolution's URL
 * package); `where` names the requirement for messages. Only wheels: source distributions,
 * directories and version control need a build, refused with a clear error until then.
 */
export async function wheelUrlTarget(
  url: VerbatimUrl,
  options: {
    readonly name: PackageName | undefined;
    readonly where: string;
    readonly allowedHashes: ReadonlyMap<string, readonly string[]> | undefined;
    readonly requested: boolean;
  },
): Promise<InstallTarget> {
  const [{ WheelFilename }, { splitHashFragment }] = await Promise.all([
    import("../filenames/index.ts"),
    import("../pypi-types/index.ts"),
  ]);
  const parsed = url.url;
  const shown = redactCredentials(url.given);
  const lastSegment = url.filename();
  if (!/^(https?|file):$/.test(parsed.protocol) || !lastSegment.endsWith(".whl")) {
    throw new PuffinError(
      "unsupported-requirement",
      `${options.where}: \`${shown}\` is not a wheel; installing from source distributions, directories and version control is not supported yet`,
    );
  }
  const filename = WheelFilename.parse(lastSegment);
  if (options.name !== undefined && options.name !== filename.name) {
    throw new PuffinError(
      "requirement-name-mismatch",
      `${options.where}: the requirement names \`${options.name}\`, but ${shown} is a wheel of \`${filename.name}\``,
    );
  }
  const { allowedHashes, requested } = options;
  if (parsed.protocol !== "file:") {
    return {
      dist: {
        name: filename.name,
        version: filename.version,
        source: { kind: "url", url: parsed.href },
      },
      direct: { request: { kind: "url", url: parsed.href }, url: parsed.href },
      allowedHashes,
      requested,
    };
  }
  const path = fileURLToPath(parsed);
  const modifiedMs = await stat(path).then(
    (stats) => stats.mtimeMs,
    () => {
      throw new PuffinError(
        "wheel-not-found",
        `${options.where}: the wheel ${path} does not exist`,
      );
    },
  );
  const href = pathToFileURL(path).href;
  return {
    dist: {
      name: filename.name,
      version: filename.version,
      source: { kind: "path", url: href, modifiedMs },
    },
    direct: {
      request: { kind: "path", path, hashes: splitHashFragment(parsed.href).hashes },
      url: href,
    },
    allowedHashes,
    requested,
  };
}

/** `--require-hashes` given on the command line or as `PUFFIN_REQUIRE_HASHES`. */
export function requireHashesFlag(flag: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  return flag === true || /^(1|true|yes|on)$/i.test(env["PUFFIN_REQUIRE_HASHES"] ?? "");
}

/** The wheel of each distribution to fetch: the registry's best file, or the direct URL/path. */
async function findWheels(
  remote: readonly DesiredDist[],
  targets: ReadonlyMap<PackageName, InstallTarget>,
  sources: WheelSources,
  interpreter: Interpreter,
  requests: Map<PackageName, WheelRequest>,
): Promise<void> {
  const { provider, builds } = sources;
  const { registryWheelRequest } = await import("../dispatch/index.ts");
  await Promise.all(
    remote.map(async (dist) => {
      const target = targets.get(dist.name)!;
      if (target.build !== undefined) {
        requests.set(dist.name, await target.build.wheel());
        return;
      }
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
      if (file.file.distFilename.kind !== "wheel" && builds === undefined) {
        throw new PuffinError(
          "unsupported-requirement",
          `\`${label}\` has no wheel for this environment, only ${file.file.filename}; building source distributions is not supported yet`,
        );
      }
      requests.set(
        dist.name,
        builds === undefined
          ? { source: { kind: "registry", file }, allowedHashes: target.allowedHashes }
          : await registryWheelRequest(builds, file, target.allowedHashes),
      );
    }),
  );
}

/** PEP 610 `direct_url.json` for a URL or path wheel. */
function directUrlOf(
  target: InstallTarget,
  hashes: Readonly<Record<string, string>>,
): DirectUrl | undefined {
  if (target.build !== undefined) return target.build.directUrl;
  if (target.direct === undefined) return undefined;
  const sha256 = hashes["sha256"];
  return {
    kind: "archive",
    url: target.direct.url,
    hashes: sha256 === undefined ? {} : { sha256 },
  };
}

/** The URL a ` + ` line shows for a target (`(from URL)`), if it is not the registry's. */
function targetUrl(target: InstallTarget | undefined): string | undefined {
  return target?.direct?.url ?? target?.build?.directUrl.url;
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
  additions: readonly DesiredDist[],
): void {
  if (removals.length === 0 && additions.length === 0) {
    printer.info("Would make no changes");
    return;
  }
  if (plan.remote.length > 0) printer.info(`Would download ${packages(plan.remote.length)}`);
  if (removals.length > 0) printer.info(`Would uninstall ${packages(removals.length)}`);
  if (additions.length > 0) printer.info(`Would install ${packages(additions.length)}`);
}

/** `--strict`: what `pip check` would say about the environment, as warnings. */
export async function reportStrict(printer: Printer, interpreter: Interpreter): Promise<void> {
  const { checkEnvironment } = await import("../installer/index.ts");
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

/**
 * A wheel that could not be prepared because the machine refused a write the fetcher made raw
 * (unzipping into the cache on a full disk): described with the cache's root when the error
 * names no path, under the distribution it was for. Anything else is passed on as it is.
 */
function preparationFault(error: unknown, dist: DesiredDist, cache: Cache | undefined): unknown {
  const fault = describeSystemError(error, {
    area: "cache",
    ...(cache === undefined ? {} : { path: cache.root }),
  });
  if (fault === undefined) return error;
  return new PuffinError("prepare-failed", `Failed to prepare \`${dist.name}==${dist.version}\``, {
    cause: fault,
  });
}
