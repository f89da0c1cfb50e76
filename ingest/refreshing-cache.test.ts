import { afterEach, describe, expect, it, vi } from "vitest";
import { RefreshingCache } from "./refreshing-cache";

/** A lookup the test answers by hand, counting how often it was started. */
function lookups() {
  const started: { resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  const load = () =>
    new Promise<string>((resolve, reject) => {
      started.push({ resolve, reject });
    });
  return { started, load };
}

const settle = () => new Promise((r) => setImmediate(r));

/** A 5 s cache refreshing after 4 s, on a fake clock at 1,000,000 ms, holding "v1" for "k" from then. */
async function cachedAtOneMillion() {
  vi.useFakeTimers({ toFake: ["Date"], now: 1_000_000 });
  const cache = new RefreshingCache<string>({ ttlMs: 5_000, refreshAfterMs: 4_000, maxEntries: 100 });
  const { started, load } = lookups();
  const first = cache.get("k", load);
  started[0]!.resolve("v1");
  await first;
  return { cache, started, load };
}

describe("RefreshingCache", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("shares one lookup between concurrent requests and answers from it until it is 4 s old", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: 1_000_000 });
    const cache = new RefreshingCache<string>({ ttlMs: 5_000, refreshAfterMs: 4_000, maxEntries: 100 });
    const { started, load } = lookups();
    const a = cache.get("k", load);
    const b = cache.get("k", load);
    expect(started).toHaveLength(1);
    started[0]!.resolve("v1");
    await expect(Promise.all([a, b])).resolves.toEqual(["v1", "v1"]);
    vi.setSystemTime(1_003_999);
    await expect(cache.get("k", load)).resolves.toBe("v1");
    expect(started).toHaveLength(1);
  });

  it("refreshes an entry in use in the background and answers from the old one until the new value arrives", async () => {
    const { cache, started, load } = await cachedAtOneMillion();
    vi.setSystemTime(1_004_000);
    // Answered at once from the entry, with one refresh started however many requests come.
    await expect(cache.get("k", load)).resolves.toBe("v1");
    await expect(cache.get("k", load)).resolves.toBe("v1");
    expect(started).toHaveLength(2);
    started[1]!.resolve("v2");
    await settle();
    await expect(cache.get("k", load)).resolves.toBe("v2");
    // The refreshed entry counts from when its lookup started (4 s): it expires at 9 s, not later.
    vi.setSystemTime(1_008_999);
    await expect(cache.get("k", load)).resolves.toBe("v2");
    expect(started).toHaveLength(3);
    vi.setSystemTime(1_009_000);
    void cache.get("k", load);
    expect(started).toHaveLength(4);
  });

  it("makes a request wait for a new lookup once an entry is 5 s old, even with a refresh still running", async () => {
    const { cache, started, load } = await cachedAtOneMillion();
    vi.setSystemTime(1_004_500);
    await cache.get("k", load); // starts a refresh that never answers
    vi.setSystemTime(1_005_000);
    const late = cache.get("k", load);
    expect(started).toHaveLength(3);
    started[2]!.resolve("v3");
    await expect(late).resolves.toBe("v3");
    // The refresh answering late does not replace the newer entry.
    started[1]!.resolve("stale");
    await settle();
    await expect(cache.get("k", load)).resolves.toBe("v3");
  });

  it("does not bring back a deleted entry when its refresh answers, nor keep a failed lookup", async () => {
    const { cache, started, load } = await cachedAtOneMillion();
    vi.setSystemTime(1_004_000);
    await cache.get("k", load);
    cache.delete("k"); // e.g. the key was revoked in this process
    started[1]!.resolve("before the revocation");
    await settle();
    const after = cache.get("k", load);
    expect(started).toHaveLength(3);
    started[2]!.reject(new Error("store unreachable"));
    await expect(after).rejects.toThrow("store unreachable");
    const retry = cache.get("k", load);
    expect(started).toHaveLength(4);
    started[3]!.resolve("revoked");
    await expect(retry).resolves.toBe("revoked");
  });

  it("stops refreshing an entry whose refresh failed, and lets it expire", async () => {
    const { cache, started, load } = await cachedAtOneMillion();
    vi.setSystemTime(1_004_000);
    await cache.get("k", load);
    started[1]!.reject(new Error("store unreachable"));
    await settle();
    await expect(cache.get("k", load)).resolves.toBe("v1");
    expect(started).toHaveLength(2);
    vi.setSystemTime(1_005_000);
    void cache.get("k", load);
    expect(started).toHaveLength(3);
  });

  it("starts over beyond its size bound", async () => {
    const cache = new RefreshingCache<string>({ ttlMs: 5_000, refreshAfterMs: 4_000, maxEntries: 2 });
    let loads = 0;
    const load = async () => `v${++loads}`;
    await cache.get("a", load);
    await cache.get("b", load);
    await cache.get("a", load);
    expect(loads).toBe(2);
    await cache.get("c", load); // a third key empties the cache first
    await cache.get("a", load);
    expect(loads).toBe(4);
  });
});
