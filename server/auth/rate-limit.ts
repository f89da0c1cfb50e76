/**
 * Failed sign-in counter per key (account or IP) in a sliding window. After `max` failures within
 * `windowMs`, the key is locked for `lockMs`: attempts are refused without checking the password
 * (OWASP Authentication Cheat Sheet, "account lockout"). In-memory: one server process holds it.
 */
export class RateLimiter {
  private readonly failures = new Map<string, number[]>();
  private readonly lockedUntil = new Map<string, number>();

  constructor(private readonly o: { max: number; windowMs: number; lockMs: number }) {}

  isLocked(key: string, now = Date.now()): boolean {
    const until = this.lockedUntil.get(key);
    if (until === undefined) return false;
    if (until > now) return true;
    this.lockedUntil.delete(key);
    return false;
  }

  fail(key: string, now = Date.now()): void {
    const recent = (this.failures.get(key) ?? []).filter((t) => t > now - this.o.windowMs);
    recent.push(now);
    if (recent.length >= this.o.max) {
      this.lockedUntil.set(key, now + this.o.lockMs);
      this.failures.delete(key);
    } else {
      this.failures.set(key, recent);
    }
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }
}

const KEY = Symbol.for("plumbline.signInLimits");
const g = globalThis as typeof globalThis & { [KEY]?: { account: RateLimiter; ip: RateLimiter } };

/** The process-wide limiters: 10 failures a minute per account, 50 per IP (an office shares one IP). */
export function signInLimits(): { account: RateLimiter; ip: RateLimiter } {
  g[KEY] ??= {
    account: new RateLimiter({ max: 10, windowMs: 60_000, lockMs: 15 * 60_000 }),
    ip: new RateLimiter({ max: 50, windowMs: 60_000, lockMs: 15 * 60_000 }),
  };
  return g[KEY];
}
