/**
 * Deduplicates concurrent work by key: the first caller of `run(key, work)` starts `work`, and
 * every caller for the same key while it is in flight gets the same promise. Once it settles the
 * key is forgotten, so a later call starts afresh (callers cache results themselves, on disk or
 * in their own maps); a rejection reaches every waiter and is not remembered.
 */
export class OnceMap<K, V> {
  readonly #inFlight = new Map<K, Promise<V>>();

  run(key: K, work: () => Promise<V>): Promise<V> {
    const running = this.#inFlight.get(key);
    if (running !== undefined) return running;
    // Started in a microtask, so the key is registered before `work` can settle (even if it
    // throws synchronously).
    const started = Promise.resolve()
      .then(work)
      .finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, started);
    return started;
  }

  /** How many keys are in flight. */
  get size(): number {
    return this.#inFlight.size;
  }
}
