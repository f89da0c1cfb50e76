import type { Attributes } from "./decode";

/** A convention attribute had a value outside its allowed type or set: the span is rejected. */
export class InvalidAttribute extends Error {
  constructor(readonly attribute: string, detail: string) {
    super(`${attribute} ${detail}`);
    this.name = "InvalidAttribute";
  }
}

/**
 * Typed reads of convention attributes; a present but wrong value throws instead of being guessed.
 * A class rather than an object of closures: the mapper makes one per span, and four closures a span
 * were a measurable share of mapping.
 */
class AttributeReader {
  constructor(private readonly a: Attributes) {}

  str(name: string): string | undefined {
    const v = this.a[name];
    if (v === undefined) return undefined;
    return typeof v === "string" ? v : String(v);
  }

  num(name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const v = this.a[name];
    if (v === undefined) return undefined;
    const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
    if (!Number.isFinite(n) || n < min || n > max) throw new InvalidAttribute(name, `must be a number between ${min} and ${max}`);
    return n;
  }

  bool(name: string): boolean {
    const v = this.a[name];
    if (v === undefined) return false;
    if (v === true || v === 1 || v === "true" || v === "1") return true;
    if (v === false || v === 0 || v === "false" || v === "0") return false;
    throw new InvalidAttribute(name, "must be a boolean");
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const v = this.a[name];
    if (v === undefined) return undefined;
    if (typeof v === "string" && (allowed as readonly string[]).includes(v)) return v as T;
    throw new InvalidAttribute(name, `must be one of ${allowed.join(", ")}`);
  }
}

export const reader = (a: Attributes): AttributeReader => new AttributeReader(a);

/** The tenant's `allowed_attributes`: exact names, or prefixes written `name.*`. */
export function attributePolicy(allowed: readonly string[]): (name: string) => boolean {
  const exact = new Set(allowed.filter((n) => !n.endsWith(".*")));
  const prefixes = allowed.filter((n) => n.endsWith(".*")).map((n) => n.slice(0, -1));
  if (exact.size === 0 && prefixes.length === 0) return () => false;
  return (name) => exact.has(name) || prefixes.some((p) => name.startsWith(p));
}
