/**
 * Timestamps as legacy exports write them: ISO 8601 with or without an offset, `YYYY-MM-DD HH:mm[:ss]`,
 * day- or month-first dates with slashes or dots, and Unix epochs. A time without an offset is local
 * time in `timeZone` (IANA), because that is how practice-management and ticketing systems export it.
 */
import type { DateOrder, DateOrderEvidence } from "./date-order";

export interface TimestampOptions {
  timeZone: string;
  /**
   * How to read `01/02/2024`: day first (most of the world) or month first (US). The order is decided
   * once per file (date-order.ts); `auto` reads each value provisionally and lets the evidence decide.
   */
  dateOrder: DateOrder | "auto";
  /** Collects what each slashed date says about the order, so the file is read one way (date-order.ts). */
  evidence?: DateOrderEvidence;
}

const ISO = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const SLASHED = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:[T ,]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(AM|PM)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;

interface Fields {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  zone: string | undefined;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** Checks an IANA zone name the way Intl does; `UTC` and `Europe/Amsterdam` pass, `CEST` does not. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const offsetCache = new Map<string, number>();
const QUARTER_HOUR = 15 * 60_000;

/**
 * Milliseconds the zone is ahead of UTC at the instant `utcMs`. Intl is slow (~50 µs a call), and zone
 * offsets only change on quarter-hour boundaries, so offsets are cached per zone and quarter hour.
 */
function zoneOffset(utcMs: number, zone: string): number {
  if (zone === "UTC") return 0;
  const key = `${zone}|${Math.floor(utcMs / QUARTER_HOUR)}`;
  const hit = offsetCache.get(key);
  if (hit !== undefined) return hit;
  if (offsetCache.size > 200_000) offsetCache.clear();
  const offset = intlOffset(utcMs, zone);
  offsetCache.set(key, offset);
  return offset;
}

function intlOffset(utcMs: number, zone: string): number {
  let f = offsetFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    offsetFormatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(utcMs))) if (part.type !== "literal") p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
  return asUtc - Math.floor(utcMs / 1000) * 1000;
}

function toDate(f: Fields, timeZone: string): Date | null {
  if (f.mo < 1 || f.mo > 12 || f.d < 1 || f.d > 31 || f.h > 23 || f.mi > 59 || f.s > 60) return null;
  const wall = Date.UTC(f.y, f.mo - 1, f.d, f.h, f.mi, f.s, f.ms);
  // Date.UTC rolls 31 February into March; a real calendar date round-trips.
  if (new Date(wall).getUTCDate() !== f.d) return null;
  if (f.zone) {
    const z = f.zone.toUpperCase();
    if (z === "Z" || z === "UTC" || z === "GMT") return new Date(wall);
    const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z);
    if (!m) return null;
    const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
    return new Date(wall - (m[1] === "-" ? -1 : 1) * minutes * 60_000);
  }
  // Local wall time: guess with the offset at the wall time, then correct once (DST edges).
  const first = wall - zoneOffset(wall, timeZone);
  return new Date(wall - zoneOffset(first, timeZone));
}

const fraction = (s: string | undefined) => (s ? Math.round(Number(`0.${s}`) * 1000) : 0);

/** Parses one timestamp; `null` when it is not a date this importer understands. */
export function parseTimestamp(text: string, options: TimestampOptions): Date | null {
  const t = text.trim();
  if (/^\d{10}(\.\d+)?$/.test(t)) return new Date(Math.round(Number(t) * 1000));
  if (/^\d{13}$/.test(t)) return new Date(Number(t));
  let m = ISO.exec(t);
  if (m) {
    return toDate(
      { y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]), h: Number(m[4] ?? 0), mi: Number(m[5] ?? 0), s: Number(m[6] ?? 0), ms: fraction(m[7]), zone: m[8] },
      options.timeZone,
    );
  }
  m = SLASHED.exec(t);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    options.evidence?.see(a, b, t);
    // A value only one order can read (13/02 or 02/13) is read that way here; whether the file as a
    // whole agrees with it, and with the given order, is the evidence's call (date-order.ts).
    const dayFirst = a > 12 ? true : b > 12 ? false : options.dateOrder === "dmy";
    let h = Number(m[4] ?? 0);
    const ampm = m[8]?.toUpperCase();
    if (ampm === "PM" && h < 12) h += 12;
    if (ampm === "AM" && h === 12) h = 0;
    return toDate(
      { y: Number(m[3]), mo: dayFirst ? b : a, d: dayFirst ? a : b, h, mi: Number(m[5] ?? 0), s: Number(m[6] ?? 0), ms: fraction(m[7]), zone: m[9] },
      options.timeZone,
    );
  }
  return null;
}
