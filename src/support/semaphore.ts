import { PuffinError } from "./error.ts";

/**
 * Bounds how many pieces of async work run at once: `run(work)` starts `work` when fewer than
 * `permits` are running, otherwise when an earlier one settles, in the order callers arrived.
 * Hold a permit only around leaf work (one request, one file read): work that waits for another
 * `run` of the same semaphore while holding a permit can deadlock once every permit is held.
 */
export class Semaphore {
  readonly permits: number;
  #running = 0;
  /** The peak of `running` since creation, for tests and measurements. */
  #peak = 0;
  readonly #waiting: (() => void)[] = [];

  constructor(permits: number) {
    if (!Number.isInteger(permits) || permits < 1) {
      throw new PuffinError(
        "invalid-concurrency",
        `A concurrency limit must be a positive integer, not ${permits}`,
      );
    }
    this.permits = permits;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running >= this.permits) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#running++;
    }
    this.#peak = Math.max(this.#peak, this.#running);
    try {
      return await work();
    } finally {
      // Hand the permit straight to the next waiter, so `running` never dips and a newcomer
      // cannot overtake the queue.
      const next = this.#waiting.shift();
      if (next === undefined) this.#running--;
      else next();
    }
  }

  /** Work running now. */
  get running(): number {
    return this.#running;
  }

  /** Callers waiting for a permit. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /** The most work that ever ran at once. */
  get peak(): number {
    return this.#peak;
  }
}
