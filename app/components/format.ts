import { P_FLOOR } from "@/metrics/stats";

/** Number formatting with units, in the reader's locale; null is shown as an em dash, never as 0. */
export function formatter(locale: string, currency = "USD") {
  const n = (digits: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits });
  const cur = new Intl.NumberFormat(locale, { style: "currency", currency, maximumFractionDigits: 0 });
  const pct = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
  const sig2 = new Intl.NumberFormat(locale, { maximumSignificantDigits: 2 });
  const dash = "—";
  return {
    number: (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? dash : n(digits).format(v)),
    hours: (v: number | null | undefined) => (v === null || v === undefined ? dash : `${n(v < 10 ? 2 : 0).format(v)} h`),
    minutes: (v: number | null | undefined) => (v === null || v === undefined ? dash : v >= 120 ? `${n(1).format(v / 60)} h` : `${n(0).format(v)} min`),
    money: (v: number | null | undefined) => (v === null || v === undefined ? dash : cur.format(v)),
    percent: (v: number | null | undefined) => (v === null || v === undefined ? dash : pct.format(v)),
    ratio: (v: number | null | undefined) => (v === null || v === undefined ? dash : `${n(2).format(v)}×`),
    date: (iso: string | null | undefined) =>
      iso ? new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso)) : dash,
    dateTime: (iso: string | null | undefined) =>
      iso ? new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(new Date(iso)) + " UTC" : dash,
    /** A p-value: never "0" (below 1e-6 it reads "< 0.000001"), three decimals from 0.001, else 2 digits. */
    pValue: (v: number | null | undefined) =>
      v === null || v === undefined ? dash : v < P_FLOOR ? `< ${n(6).format(P_FLOOR)}` : v < 0.001 ? sig2.format(v) : n(3).format(v),
    interval: (v: [number, number] | null | undefined, f: (x: number) => string) => (v ? `95% CI ${f(v[0])} to ${f(v[1])}` : undefined),
  };
}
export type Formatter = ReturnType<typeof formatter>;
