import { createHmac } from "node:crypto";

/**
 * Plumbline stores metadata, not personal data (DESIGN.md §2): free-text values that look like an
 * e-mail address, a phone number or a national id are masked, identifiers that look like one are
 * replaced by a keyed hash (so distinct runs stay distinct), and subject ids are always keyed-hashed.
 */
const EMAIL = /[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[A-Za-z]{2,}/g;
// US SSN, UK NINO: formats common enough in the firms Plumbline serves to name explicitly.
const NATIONAL_ID = /\b\d{3}-\d{2}-\d{4}\b|\b[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b/gi;
// International numbers (+ and 8-15 digits, E.164) and grouped national formats (555-123-4567,
// (555) 123 4567, 020 7946 0958). Bare digit runs are not masked: run ids and dates are full of them.
const PHONE = /\+\d[\d\s().-]{6,17}\d|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|\b0\d{2,4}\s\d{3,4}\s\d{3,4}\b/g;

const mayContain = (s: string) => s.includes("@") || /\d{2}/.test(s);

/** Masks personal-looking substrings in free text (reasons, extra attributes). */
export function maskText(value: string): string {
  if (!mayContain(value)) return value;
  return value
    .replace(EMAIL, "[email]")
    .replace(NATIONAL_ID, "[id]")
    .replace(PHONE, "[phone]");
}

export function looksPersonal(value: string): boolean {
  return maskText(value) !== value;
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
