import { createHmac } from "node:crypto";
import { maskPersonal, mayHoldPersonal } from "./personal-data";

/**
 * Plumbline stores metadata, not personal data (DESIGN.md §2, docs/conventions.md "Privacy"):
 * - free text (reasons, kept extra attributes) is masked (personal-data.ts lists the shapes);
 * - a label (workflow, step, source, model, version, role names) that looks personal is refused;
 * - an identifier that looks personal is replaced by a keyed hash, so distinct runs stay distinct;
 * - subject ids are always keyed-hashed.
 */

// Personal data starting before the 500 characters a column keeps ends well within this many
// (an e-mail address is at most 254), so masking reads no more than this of a long value.
const SCAN_MAX = 800;
const head = (value: string) => (value.length > SCAN_MAX ? value.slice(0, SCAN_MAX) : value);

/**
 * Labels and reasons repeat (a few hundred distinct values a tenant), so the verdict for each value is
 * kept: a span then pays a map lookup instead of the pattern scan. Bounded, and emptied when full, so
 * a sender of unique values costs the scan and no memory.
 */
class Verdicts {
  /** The masked text, or null when the value holds nothing personal (no copy, no comparison). */
  private readonly seen = new Map<string, string | null>();
  constructor(private readonly max = 10_000) {}
  masked(value: string): string | null {
    // Most labels hold no `@` and no two digits in a row: a quicker answer than the map.
    if (!mayHoldPersonal(value)) return null;
    let v = this.seen.get(value);
    if (v === undefined) {
      const h = head(value);
      const m = maskPersonal(h);
      v = m === h ? null : m;
      if (this.seen.size >= this.max) this.seen.clear();
      // Values past the length a label can have are not worth keeping.
      if (value.length <= 200) this.seen.set(value, v);
    }
    return v;
  }
}

const verdicts = new Verdicts();

/**
 * Free text with personal-looking substrings masked (`[email]`, `[phone]`, `[id]`, `[card]`, `[iban]`),
 * cut to its first 800 characters: callers keep at most 500.
 */
export function maskText(value: string): string {
  return verdicts.masked(value) ?? head(value);
}

/** Whether a label (a low-cardinality name, not free text) holds something personal: then it is refused. */
export function personalLabel(value: string): boolean {
  return verdicts.masked(value) !== null;
}

/** Uncached: for identifiers, which are mostly distinct and would only churn the verdict cache. */
export function looksPersonal(value: string): boolean {
  const h = head(value);
  return maskPersonal(h) !== h;
}

export type Hasher = (value: string) => string;

/** A keyed hash per tenant: the tenant key is derived from the server secret, never stored. */
export function tenantHasher(serverSecret: string, tenantId: string): Hasher {
  const tenantKey = createHmac("sha256", serverSecret).update(`plumbline:subject:${tenantId}`).digest();
  return (value) => createHmac("sha256", tenantKey).update(value).digest("hex").slice(0, 32);
}

/** Identifiers keep their identity: a personal-looking id becomes `h:<keyed hash>` instead of a mask. */
export function safeIdentifier(value: string, hash: Hasher): string {
  return looksPersonal(value) ? `h:${hash(value)}` : value;
}
