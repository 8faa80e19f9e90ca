import { availableParallelism } from "node:os";
import type { DistributionDatabase, LocalWheel } from "../distribution/index.ts";
import type { CachedDist, ResolvedDist } from "../distribution-types/index.ts";
import { isBuiltDist } from "../distribution-types/index.ts";
import type { PackageName } from "../normalize/index.ts";
import { describeSystemError, PuffinError, Semaphore } from "../support/index.ts";

/** What the preparer tells as it goes (progress). */
export interface PrepareReporter {
  onPrepared?(resolved: ResolvedDist, wheel: LocalWheel): void;
}

/**
 * Gets the wheels a plan installs ready in the cache, nothing in the environment touched: every
 * distribution through the database at once (downloads bounded by the database's fetcher,
 * builds by the number of cores), so a failed download, hash check or build leaves the
 * environment as it was.
 */
export class Preparer {
  readonly #database: DistributionDatabase;
  readonly #builds = new Semaphore(Math.max(1, availableParallelism()));
  readonly #reporter: PrepareReporter | undefined;

  constructor(database: DistributionDatabase, reporter?: PrepareReporter) {
    this.#database = database;
    this.#reporter = reporter;
  }

  async prepare(dists: readonly ResolvedDist[]): Promise<Map<PackageName, CachedDist>> {
    const wheels = new Map<PackageName, CachedDist>();
    await Promise.all(
      dists.map(async (resolved) => {
        const { dist } = resolved;
        let wheel: LocalWheel;
        try {
          wheel = isBuiltDist(dist)
            ? await this.#database.wheel(dist)
            : await this.#builds.run(() => this.#database.wheel(dist));
        } catch (error) {
          throw preparationFault(error, resolved, this.#database.context.cache.root);
        }
        wheels.set(dist.name, wheel.cached);
        this.#reporter?.onPrepared?.(resolved, wheel);
      }),
    );
    return wheels;
  }
}

/**
 * A distribution that could not be prepared because the machine refused a write (unzipping into
 * a full cache): described with the cache's root when the error names no path, under the
 * distribution it was for. Anything else is passed on as it is.
 */
function preparationFault(error: unknown, resolved: ResolvedDist, cacheRoot: string): unknown {
  const fault = describeSystemError(error, { area: "cache", path: cacheRoot });
  if (fault === undefined) return error;
  return new PuffinError(
    "prepare-failed",
    `Failed to prepare \`${resolved.dist.name}==${resolved.version}\``,
    { cause: fault },
  );
}
