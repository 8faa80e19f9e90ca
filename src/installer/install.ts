import type { DistributionDatabase, LocalWheel } from "../distribution/index.ts";
import {
  type CachedDist,
  directUrlOf,
  type InstalledDist,
  type Plan,
  planRemovals,
  type Resolution,
  type ResolvedDist,
} from "../distribution-types/index.ts";
import type { Interpreter } from "../interpreter/index.ts";
import type { PackageName } from "../normalize/index.ts";
import { log } from "../support/index.ts";
import { compileBytecode } from "./compile-bytecode.ts";
import { damagedArchiveIn } from "./damaged-archive.ts";
import { lockEnvironment } from "./environment-lock.ts";
import { layoutFor } from "./install-layout.ts";
import type { WheelInstall } from "./install-wheel.ts";
import type { LinkMode } from "./link-mode.ts";
import { diffEnvironment, plan } from "./plan.ts";
import { Preparer } from "./preparer.ts";
import { type Reified, type ReifyOptions, reify } from "./reify.ts";
import { SitePackages } from "./site-packages.ts";
import { recoverEnvironment } from "./transaction.ts";

/** What the pipeline tells as it goes; the CLI renders it (live on a terminal, else lines). */
export interface InstallReporter {
  /** The plan is made: what will be downloaded or built, removed and installed. */
  onPlan?(plan: Plan): void;
  onPrepared?(resolved: ResolvedDist, wheel: LocalWheel): void;
  /** Everything is prepared; the environment is about to change. */
  onPrepareEnd?(count: number, elapsedMs: number): void;
  onRemoved?(dist: InstalledDist): void;
  onInstalled?(name: PackageName): void;
}

export interface InstallOptions {
  /** `--reinstall`, `--reinstall-package`. */
  readonly reinstall?: boolean;
  readonly reinstallPackages?: readonly PackageName[];
  /** `pip sync`: remove what the resolution does not name. */
  readonly removeExtraneous?: boolean;
  readonly linkMode?: LinkMode | undefined;
  /** Plan, and report what would be done: nothing is downloaded and nothing changes. */
  readonly dryRun?: boolean;
  /** `--compile-bytecode`. */
  readonly compileBytecode?: boolean;
}

export interface InstallRequest {
  /** The environment's interpreter. */
  readonly interpreter: Interpreter;
  /**
   * The resolution to make the environment hold, computed once the environment is locked and
   * read (`pip install` prefers the installed versions; `pip sync` ignores them).
   */
  resolve(installed: readonly InstalledDist[]): Promise<Resolution>;
  readonly database: DistributionDatabase;
  readonly options?: InstallOptions;
  readonly reporter?: InstallReporter | undefined;
}

/** Timings of the steps that ran, in milliseconds. */
export interface InstallTimings {
  readonly prepare: number | undefined;
  readonly uninstall: number | undefined;
  readonly install: number | undefined;
}

export type InstallOutcome =
  | { readonly kind: "dry-run"; readonly resolution: Resolution; readonly plan: Plan }
  | { readonly kind: "audited"; readonly resolution: Resolution; readonly plan: Plan }
  | {
      readonly kind: "changed";
      readonly resolution: Resolution;
      readonly plan: Plan;
      readonly timings: InstallTimings;
      /** What `--compile-bytecode` compiled: how many files, in how long (ms). */
      readonly compiled: { readonly files: number; readonly elapsedMs: number } | undefined;
    };

/**
 * The install pipeline every command that changes an environment shares (`pip sync`,
 * `pip install`, `venv --seed`, build environments): under the environment's lock, taken
 * before the environment is read, roll back an interrupted change, read what is installed,
 * resolve, **plan** once (pure data, what `--dry-run` prints), **prepare** (download and
 * build through the database, in parallel, the environment untouched), then **reify** (every
 * removal and every install as one transaction; an unzipped wheel found damaged in the cache is
 * unzipped again and the transaction retried), and compile bytecode when asked.
 *
 * Two runs against one environment serialize on the lock, so each plans against the state the
 * other left.
 */
export async function install(request: InstallRequest): Promise<InstallOutcome> {
  const { interpreter, database, reporter } = request;
  const options = request.options ?? {};
  const layout = layoutFor(interpreter);
  const lock = await lockEnvironment(layout);
  try {
    if (options.dryRun !== true) await recoverEnvironment(layout);
    const { purelib, platlib } = interpreter.info.scheme;
    const site = await SitePackages.read([purelib, platlib]);
    const installed = site.dists();
    const resolution = await request.resolve(installed);
    const diff = diffEnvironment(resolution, installed, {
      ...(options.reinstall === undefined ? {} : { reinstall: options.reinstall }),
      ...(options.reinstallPackages === undefined
        ? {}
        : { reinstallPackages: options.reinstallPackages }),
      removeExtraneous: options.removeExtraneous === true,
    });
    const cached = new Map<PackageName, CachedDist>();
    await Promise.all(
      diff.install.map(async ({ dist }) => {
        const wheel = await database.cachedWheel(dist);
        if (wheel !== undefined) cached.set(dist.name, wheel);
      }),
    );
    const thePlan = plan(diff, cached);
    reporter?.onPlan?.(thePlan);
    if (options.dryRun === true) return { kind: "dry-run", resolution, plan: thePlan };
    const removals = planRemovals(thePlan);
    if (removals.length === 0 && diff.install.length === 0) {
      return { kind: "audited", resolution, plan: thePlan };
    }

    let prepare: number | undefined;
    const wheels = new Map(thePlan.cached.map((c) => [c.resolved.dist.name, c.cached]));
    if (thePlan.remote.length > 0) {
      const started = performance.now();
      const preparer = new Preparer(database, {
        onPrepared: (resolved, wheel) => reporter?.onPrepared?.(resolved, wheel),
      });
      for (const [name, wheel] of await preparer.prepare(thePlan.remote)) wheels.set(name, wheel);
      prepare = performance.now() - started;
      reporter?.onPrepareEnd?.(thePlan.remote.length, prepare);
    }

    const reified = await reifyHealing(
      { layout, removals, linkMode: options.linkMode, reporter },
      diff.install,
      wheels,
      database,
    );
    let compiled: { files: number; elapsedMs: number } | undefined;
    if (options.compileBytecode === true) {
      const started = performance.now();
      const files = await compileBytecode(interpreter, reified.installed);
      compiled = { files, elapsedMs: performance.now() - started };
    }
    return {
      kind: "changed",
      resolution,
      plan: thePlan,
      timings: { prepare, uninstall: reified.uninstallMs, install: reified.installMs },
      compiled,
    };
  } finally {
    await lock.release();
  }
}

/**
 * `reify` the plan's removals and the installs of `resolved` from `wheels`, healing the cache:
 * when an unzipped wheel turns out damaged (the transaction has rolled everything back), it is
 * discarded, prepared again, and the whole change retried; a tree damaged again is reported.
 */
async function reifyHealing(
  options: Pick<ReifyOptions, "layout" | "removals" | "linkMode"> & {
    readonly reporter: InstallReporter | undefined;
  },
  resolved: readonly ResolvedDist[],
  wheels: Map<PackageName, CachedDist>,
  database: DistributionDatabase,
): Promise<Reified> {
  const healed = new Set<PackageName>();
  for (;;) {
    const installs: WheelInstall[] = resolved.map((each) => {
      const wheel = wheels.get(each.dist.name)!;
      return {
        cached: wheel,
        requested: each.requested,
        directUrl: directUrlOf(each.dist, wheel.hashes),
      };
    });
    try {
      return await reify({
        layout: options.layout,
        removals: options.removals,
        installs,
        linkMode: options.linkMode,
        onRemoved: (dist) => options.reporter?.onRemoved?.(dist),
        onInstalled: (wheel) => options.reporter?.onInstalled?.(wheel.cached.filename.name),
      });
    } catch (error) {
      const damaged = damagedArchiveIn(error);
      const name = damaged?.cached.filename.name;
      const dist = resolved.find((each) => each.dist.name === name)?.dist;
      if (damaged === undefined || name === undefined || dist === undefined || healed.has(name)) {
        throw error;
      }
      healed.add(name);
      log.warn(`${damaged.message}; unzipping it again`);
      await database.discard(damaged.cached);
      wheels.set(name, (await database.wheel(dist)).cached);
    }
  }
}
