import { describe, expect, it } from "vitest";
import { holdsPersonal, maskPersonal } from "./personal-data";
import { looksPersonal, maskText, personalLabel } from "./privacy";

// Each shape the issue names (issue 24, finding 3), and the common forms beside it.
const POSITIVE: [string, string][] = [
  ["jane.doe@firm.co.uk", "[email]"],
  ["jane(at)firm.com", "[email]"],
  ["jane [at] firm [dot] com", "[email]"],
  ["jane {at} firm (dot) co (dot) uk", "[email]"],
  ["1-800-555-0199", "[phone]"],
  ["(555) 123-4567", "[phone]"],
  ["555-123-4567", "[phone]"],
  ["555.123.4567", "[phone]"],
  ["+1 555 123 4567", "[phone]"],
  ["2125550199", "[phone]"],
  ["07700 900123", "[phone]"],
  ["(020) 7946 0958", "[phone]"],
  ["020 7946 0958", "[phone]"],
  ["+44 20 7946 0958", "[phone]"],
  ["+442079460958", "[phone]"],
  ["0044 20 7946 0958", "[phone]"],
  ["123-45-6789", "[id]"],
  ["123456789", "[id]"],
  ["123 45 6789", "[id]"],
  ["123.45.6789", "[id]"],
  ["AB123456C", "[id]"],
  ["AB 12 34 56 C", "[id]"],
  ["4111 1111 1111 1111", "[card]"],
  ["4111-1111-1111-1111", "[card]"],
  ["4111111111111111", "[card]"],
  ["3782 822463 10005", "[card]"],
  ["GB82 WEST 1234 5698 7654 32", "[iban]"],
  ["GB82WEST12345698765432", "[iban]"],
  ["DE89 3704 0044 0532 0130 00", "[iban]"],
];

// Shapes that share digits or punctuation with the above and are not personal data. UUIDs are ids a
// system made up, not a person's: they are kept (docs/conventions.md, "Privacy").
const NEGATIVE = [
  "2026-11-21",
  "2026-11-21T12:30:45.123Z",
  "12:30:45",
  "10:00-12:00",
  "v2.3.1",
  "version 1.0.0-beta.12",
  "INV-2024-0012",
  "invoice 2024/0012",
  "run-20261121-000123",
  "42",
  "007",
  "INV 0012",
  "order #12345678",
  "$1,234.56",
  "ISO 27001",
  "amount 123456789.00",
  "1733400000",
  "1733400000000",
  "1733400000000000000",
  "550e8400-e29b-41d4-a716-446655440000",
  "4bf92f3577b34da6a3ce929d0e0e4736",
  "4111111111111112",
  "GB00 WEST 1234 5698 7654 32",
  "DE12 this is a sentence about banking",
  "gpt-4o-2024-08-06",
  "claude-3-5-sonnet@20240620",
  "gemini-1.5-pro-002",
  "claude-3-5-sonnet-20241022",
  "anthropic.claude-3-5-sonnet-20240620-v1:0",
  "meta-llama/Llama-3.1-405B-Instruct",
  "ft:gpt-4o-mini:org:custom:9abc",
  "mistral-large-2407",
  "2.0.0+build.20241121",
  "prompt@v12",
  "checkout-flow (EU)",
  "crm [prod]",
  "tokens 1200 / 300",
  "model-v12-34-5678",
];

// Kept shapes that do not contain a value above, so a search for the value cannot find them; and not
// `007`, which right before a phone number is fairly read as its international prefix (00 7).
const KEPT = NEGATIVE.filter((n) => n !== "007" && !POSITIVE.some(([p]) => n.includes(p)));

describe("personal-data patterns", () => {
  it.each(POSITIVE)("masks %s alone and inside a sentence", (value, mask) => {
    expect(maskPersonal(value)).toBe(mask);
    expect(maskPersonal(`call ${value} today.`)).toBe(`call ${mask} today.`);
    expect(maskPersonal(`(${value}), ${value}; ${value}`)).toBe(`(${mask}), ${mask}; ${mask}`);
    expect(personalLabel(value)).toBe(true);
  });

  it.each(NEGATIVE)("keeps %s", (value) => {
    expect(maskPersonal(value)).toBe(value);
    expect(maskPersonal(`ref ${value}, due ${value}.`)).toBe(`ref ${value}, due ${value}.`);
    expect(holdsPersonal(value)).toBe(false);
    expect(personalLabel(value)).toBe(false);
  });

  it("masks every value and keeps every kept shape in 500 seeded sentences mixing them", () => {
    let seed = 24;
    const pick = <T,>(xs: readonly T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return xs[seed % xs.length] as T;
    };
    const glue = [" ", ", ", "; ", ": ", " (", ") ", " - ", "\n", " re "];
    for (let i = 0; i < 500; i++) {
      const parts = Array.from({ length: 6 }, () => (pick([0, 1]) ? pick(POSITIVE)[0] : pick(KEPT)));
      const sentence = parts.reduce((text, part) => text + pick(glue) + part, "note");
      const masked = maskPersonal(sentence);
      for (const [value] of POSITIVE) expect({ sentence, leaked: masked.includes(value) ? value : "" }).toEqual({ sentence, leaked: "" });
      for (const kept of parts.filter((p) => KEPT.includes(p))) expect({ sentence, lost: masked.includes(kept) ? "" : kept }).toEqual({ sentence, lost: "" });
    }
  });

  it("masks 1-800-555-0199 whole, not as 1-[phone]", () => {
    expect(maskPersonal("dial 1-800-555-0199")).toBe("dial [phone]");
  });

  it("masks each of several values in one reason, and leaves the rest of the text", () => {
    expect(maskPersonal("SSN 123 45 6789 for jane(at)firm.com, cb 07700 900123 re INV-2024-0012 on 2026-11-21")).toBe(
      "SSN [id] for [email], cb [phone] re INV-2024-0012 on 2026-11-21",
    );
  });

  it("finds an IBAN after a word that only looked like one", () => {
    expect(maskPersonal("XX12 abcd GB82WEST12345698765432 paid")).toBe("XX12 abcd [iban] paid");
  });

  it("masks within the first 800 characters of a long value and answers in linear time", () => {
    const long = `${"a".repeat(480)} jane@firm.com ${"b".repeat(2000)}`;
    expect(maskText(long)).not.toContain("jane@firm.com");
    const t0 = performance.now();
    maskPersonal(`${"a.".repeat(100_000)}@`);
    maskPersonal("1 ".repeat(100_000));
    expect(performance.now() - t0).toBeLessThan(2000);
  });

  it("treats an identifier holding personal data as personal (it is then keyed-hashed)", () => {
    expect(looksPersonal("case-for-jane@firm.com")).toBe(true);
    expect(looksPersonal("run-20261121-000123")).toBe(false);
  });
});
