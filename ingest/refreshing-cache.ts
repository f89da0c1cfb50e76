/**
 * A small cache of looked-up values for the ingest path (ingest keys, tenant policies), so a request
 * does not query the store. Values are promises, so a burst of requests with a cold cache shares one
 * lookup, and a failed lookup is not kept.
 *
 * An entry answers for `ttlMs` from when its lookup started. One that is still asked for after
 * `refreshAfterMs` is looked up again in the background while it keeps answering: otherwise, each
 * time an entry expired, every request arriving then would wait for the lookup, queued in the engine
 * behind an ingest flush. A refreshed entry also counts from when its lookup started, so a change in
 * the store (a revoked key, a new allow-list) still takes effect within `ttlMs`.
 */
export interface RefreshingCacheOptions {
  ttlMs: number;
  refreshAfterMs: number;
  /** Beyond this many entries the cache starts over (a flood of unknown keys cannot grow it). */
  maxEntries: number;
}

interface Entry<V> {
  at: number;
  value: Promise<V>;
  refreshing: boolean;
}

export class RefreshingCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(private readonly o: RefreshingCacheOptions) {}

  /** The cached value of `key`, or `load()`'s. */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.o.ttlMs) {
      if (now - hit.at >= this.o.refreshAfterMs && !hit.refreshing) this.refresh(key, hit, load);
      return hit.value;
    }
    if (this.entries.size >= this.o.maxEntries) this.entries.clear();
    const entry: Entry<V> = { at: now, value: load(), refreshing: false };
    this.entries.set(key, entry);
    entry.value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.value;
  }

  /** Forgets `key`: its next `get` looks it up, and a lookup already running does not bring it back. */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /**
   * Replaces the entry with a new lookup's value once it arrives, unless the entry was dropped or
   * replaced meanwhile. After a failed lookup the entry is not refreshed again: it expires, and the
   * next request looks the key up itself.
   */
  private refresh(key: string, entry: Entry<V>, load: () => Promise<V>): void {
    entry.refreshing = true;
    const at = Date.now();
    load().then(
      (value) => {
        if (this.entries.get(key) === entry) this.entries.set(key, { at, value: Promise.resolve(value), refreshing: false });
      },
      () => undefined,
    );
  }
}
