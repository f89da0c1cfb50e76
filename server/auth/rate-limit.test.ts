import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limit";

describe("RateLimiter", () => {
  const limits = () => new RateLimiter({ max: 10, windowMs: 60_000, lockMs: 900_000 });

  it("locks a key after 10 failures within a minute, until the cool-down ends", () => {
    const r = limits();
    for (let i = 0; i < 9; i++) r.fail("k", 1_000 + i);
    expect(r.isLocked("k", 2_000)).toBe(false);
    r.fail("k", 2_000);
    expect(r.isLocked("k", 2_001)).toBe(true);
    expect(r.isLocked("k", 2_000 + 900_000)).toBe(false);
  });

  it("forgets failures older than the window", () => {
    const r = limits();
    for (let i = 0; i < 9; i++) r.fail("k", i);
    r.fail("k", 61_000);
    expect(r.isLocked("k", 61_001)).toBe(false);
  });

  it("clears the count on success and keeps keys apart", () => {
    const r = limits();
    for (let i = 0; i < 9; i++) r.fail("k", i);
    r.succeed("k");
    r.fail("k", 10);
    for (let i = 0; i < 10; i++) r.fail("other", i);
    expect(r.isLocked("k", 11)).toBe(false);
    expect(r.isLocked("other", 11)).toBe(true);
  });
});
