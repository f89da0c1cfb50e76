/**
 * The shapes of personal data Plumbline recognises (docs/conventions.md, "Privacy"): free text is
 * masked with them, and a label (workflow, step, source, model names...) that matches one is refused.
 *
 * Every pattern only starts and ends where a number or address stands alone: not glued to letters,
 * digits or the joiners ids are built with (`-`, `_`, `.`, `/`). That keeps `INV-2024-0012`,
 * `run-20261121-000123`, `v2.3.1`, ISO dates and UUIDs out, and, because a match can only start at
 * the beginning of a token, keeps every pattern linear on long input.
 */

const START = String.raw`(?<![\w./+-])`;
// A full stop followed by a space or the end closes a sentence; followed by a digit it continues a number.
const END = String.raw`(?![\w/-]|\.\d)`;

// `jane@firm.com`, and the obfuscated `jane(at)firm.com`, `jane [at] firm [dot] com`.
const AT = String.raw`(?:@|\s*[([{]\s*at\s*[)\]}]\s*)`;
const DOT = String.raw`(?:\.|\s*[([{]\s*dot\s*[)\]}]\s*)`;
const EMAIL = new RegExp(String.raw`(?<![\w.%+-])[\w.%+-]+${AT}[a-z0-9-]+(?:${DOT}[a-z0-9-]+)*${DOT}[a-z]{2,}\b`, "gi");

// Payment cards: 13-19 digits, contiguous or in groups of four (Amex 4-6-5), starting 2-6 (the major
// networks; epoch milliseconds and nanoseconds start with 1), and only when the Luhn check holds.
const CARD = new RegExp(`${START}(?=[2-6])(?:\\d{4}([ -])\\d{4}\\1\\d{4}\\1\\d{1,7}|\\d{4}([ -])\\d{6}\\2\\d{4,5}|\\d{13,19})${END}`, "g");

// IBAN: country, check digits, then the account, in groups of four or not. The country's length and
// the mod-97 check decide; the match may run into following words, so only that length is masked.
const IBAN = /(?<![\w-])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![A-Z0-9])/gi;
const IBAN_LENGTHS: Record<string, number> = Object.fromEntries(
  ("AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 EG29 ES24 " +
    "FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 " +
    "LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 " +
    "SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20")
    .split(" ")
    .map((c) => [c.slice(0, 2), Number(c.slice(2))]),
);

// US SSN with the same separator twice (`123-45-6789`, `123 45 6789`, `123.45.6789`), or nine digits
// standing alone; UK National Insurance numbers (prefix letters as HMRC issues them).
const SSN = new RegExp(`${START}(?:\\d{3}([-. ])\\d{2}\\1\\d{4}|\\d{9})${END}`, "g");
const NINO = /(?<![\w-])[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\w-])/gi;

// Phones. International (`+44 20 7946 0958`, `0044 20 7946 0958`, `+1 555 123 4567`: + or 00, then
// 8-15 digits, E.164); North American with an optional 1 (`1-800-555-0199`, `(555) 123-4567`,
// `555.123.4567`), or ten digits whose area code and exchange start 2-9 as NANP numbers do (epoch
// seconds start with 1); UK national, a 0 trunk prefix and 10-11 digits (`07700 900123`,
// `(020) 7946 0958`, `020 7946 0958`).
// After 00, which also starts ordinary numbers, only digit groups with one separator throughout count.
const PHONE_INTL = new RegExp(`${START}(?:\\+\\d[\\d ().-]{6,18}\\d|00[1-9]\\d{0,2}([ .-]?)\\d{2,4}(?:\\1\\d{2,4}){1,4})${END}`, "g");
const PHONE_US = new RegExp(`${START}(?:(?:1[ .-]?)?(?:\\(\\d{3}\\) ?|\\d{3}[ .-]?)\\d{3}[ .-]\\d{4}|[2-9]\\d{2}[2-9]\\d{6})${END}`, "g");
const PHONE_UK = new RegExp(`${START}(?:\\(0\\d{2,4}\\)|0\\d{2,4})[ -]?\\d{3,4}(?:[ -]?\\d{3,4})?${END}`, "g");

const digits = (s: string) => s.replace(/\D/g, "");

function luhn(number: string): boolean {
  let sum = 0;
  for (let i = number.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = number.charCodeAt(i) - 48;
    if (double && (d *= 2) > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

/** ISO 13616 mod-97 over the rearranged IBAN, in chunks so no big integers are needed. */
function ibanChecks(iban: string): boolean {
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const c = ch.charCodeAt(0);
    const v = c >= 65 ? String(c - 55) : ch;
    for (const d of v) rest = (rest * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rest === 1;
}

/** The IBAN starting `match`, masked, or undefined when the country's length or the check fails. */
function ibanAt(match: string): string | undefined {
  const compact = match.replace(/ /g, "").toUpperCase();
  const length = IBAN_LENGTHS[compact.slice(0, 2)];
  if (!length || compact.length < length || !ibanChecks(compact.slice(0, length))) return undefined;
  // Where the IBAN ends inside the match; what follows must start a new group or word.
  let seen = 0;
  let end = 0;
  while (seen < length) if (match[end++] !== " ") seen++;
  if (end < match.length && match[end] !== " ") return undefined;
  return `[iban]${match.slice(end)}`;
}

/** A failed candidate may hide a real IBAN in the words it swallowed: the scan resumes at the next word. */
function maskIbans(text: string): string {
  let out = "";
  let from = 0;
  IBAN.lastIndex = 0;
  for (let m = IBAN.exec(text); m; m = IBAN.exec(text)) {
    const masked = ibanAt(m[0]);
    if (masked === undefined) {
      IBAN.lastIndex = m.index + 1;
      continue;
    }
    out += text.slice(from, m.index) + masked;
    from = IBAN.lastIndex;
  }
  return from === 0 ? text : out + text.slice(from);
}

const between = (lo: number, hi: number, mask: string) => (m: string) => {
  const n = digits(m).length;
  return n >= lo && n <= hi ? mask : m;
};

// Anything personal holds an @, a bracket ("(at)"), or two digits in a row: other text skips the scan.
// A loop over char codes: this runs for every label of every span, and beats the regex /@|\d\d|[([{]/.
export function mayHoldPersonal(text: string): boolean {
  let digit = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digit) return true;
      digit = true;
      continue;
    }
    digit = false;
    // @, or an opening bracket that may start "(at)".
    if (c === 64 || c === 40 || c === 91 || c === 123) return true;
  }
  return false;
}

/**
 * Every shape at once, without the checks (Luhn, mod 97, digit counts) and with looser separators: a
 * superset, so one scan tells most text that no pattern can match (ids like `run-20261121-000123`).
 */
const ANY_SHAPE = new RegExp(
  [EMAIL, IBAN, CARD, SSN, NINO, PHONE_INTL, PHONE_US, PHONE_UK]
    .map((r) => `(?:${r.source.replace(/\((\[[^\]]+\]\??)\)/g, "$1").replace(/\\[12]/g, "[ .-]?")})`)
    .join("|"),
  "i",
);

/** Masks personal-looking substrings of free text: `[email]`, `[iban]`, `[card]`, `[id]`, `[phone]`. */
export function maskPersonal(text: string): string {
  if (!mayHoldPersonal(text) || !ANY_SHAPE.test(text)) return text;
  // Order matters: longer, checked shapes first, so a card's digits are not read as a phone number.
  return maskIbans(text.replace(EMAIL, "[email]"))
    .replace(CARD, (m) => (luhn(digits(m)) ? "[card]" : m))
    .replace(SSN, "[id]")
    .replace(NINO, "[id]")
    .replace(PHONE_INTL, between(8, 15, "[phone]"))
    .replace(PHONE_US, "[phone]")
    .replace(PHONE_UK, between(10, 11, "[phone]"));
}

export function holdsPersonal(text: string): boolean {
  return mayHoldPersonal(text) && maskPersonal(text) !== text;
}
