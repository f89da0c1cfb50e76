import { addDays, dayString, startOfUtcDay } from "./scope";

/**
 * Dashboard windows as whole UTC days, both ends inclusive (metrics/scope.ts): the presets people
 * pick, the previous period a window is compared with, and the ranges refused before any query.
 * Pure: every function takes `now` instead of reading the clock.
 */
export interface DayWindow {
  from: string;
  to: string;
}

export const PRESETS = [
  { key: "7d", label: "7 days" },
  { key: "30d", label: "30 days" },
  { key: "90d", label: "90 days" },
  { key: "ytd", label: "Year to date" },
  { key: "12m", label: "12 months" },
  { key: "go-live", label: "Since go-live" },
] as const;
export type PresetKey = (typeof PRESETS)[number]["key"];

export const isPreset = (v: string | undefined): v is PresetKey => PRESETS.some((p) => p.key === v);

/** The earliest day accepted, and the longest window: five years of days bounds a query's work. */
export const EARLIEST_DAY = "2000-01-01";
export const MAX_WINDOW_DAYS = 1827;

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar day written YYYY-MM-DD (2026-02-30 is not one). */
export function isDay(v: string): boolean {
  if (!DAY.test(v)) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && dayString(d) === v;
}

const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

/**
 * The window a preset names on `now`'s UTC day. "Since go-live" starts at `goLive` (one workflow's,
 * or the earliest of the firm's); without one it is refused rather than guessed.
 */
export function presetWindow(key: PresetKey, now: Date, goLive?: string | null): DayWindow | { error: string } {
  const today = startOfUtcDay(now);
  const to = dayString(today);
  const back = (days: number) => ({ from: dayString(addDays(today, -(days - 1))), to });
  switch (key) {
    case "7d":
      return back(7);
    case "30d":
      return back(30);
    case "90d":
      return back(90);
    case "ytd":
      return { from: `${to.slice(0, 4)}-01-01`, to };
    case "12m": {
      const y = today.getUTCFullYear();
      return { from: dayString(new Date(Date.UTC(y - 1, today.getUTCMonth(), today.getUTCDate() + 1))), to };
    }
    case "go-live":
      if (!goLive || !isDay(goLive)) return { error: "No go-live date is set, so there is no window since go-live." };
      if (goLive > to) return { error: `Go-live (${goLive}) is still to come, so there is no window since go-live.` };
      return { from: goLive, to };
  }
}

/** The period of equal length that ends the day before `w` starts. */
export function previousWindow(w: DayWindow): DayWindow {
  const length = daysBetween(w.from, w.to) + 1;
  const start = new Date(`${w.from}T00:00:00Z`);
  return { from: dayString(addDays(start, -length)), to: dayString(addDays(start, -1)) };
}

/** The window a partial range means: `to` defaults to today, `from` to the 30 days ending at `to` (scope.ts). */
export function completeWindow(w: { from?: string; to?: string }, now: Date): DayWindow {
  const to = w.to ?? dayString(startOfUtcDay(now));
  return { from: w.from ?? dayString(addDays(new Date(`${to}T00:00:00Z`), -29)), to };
}

/**
 * Why a range is refused, as a sentence for the person who typed it; undefined when it is valid.
 * Refused: a day that is not a date, `from` after `to`, before EARLIEST_DAY, `to` after tomorrow
 * (a reader east of UTC may already be there), longer than MAX_WINDOW_DAYS.
 */
export function windowProblem(w: { from?: string; to?: string }, now: Date): string | undefined {
  for (const [name, v] of [["From", w.from], ["To", w.to]] as const) {
    if (v !== undefined && !isDay(v)) return `${name} "${v.slice(0, 40)}" is not a date: use YYYY-MM-DD.`;
  }
  const { from, to } = completeWindow(w, now);
  if (from > to) return `From (${from}) is after To (${to}): pick a start on or before the end.`;
  if (from < EARLIEST_DAY) return `From (${from}) is before ${EARLIEST_DAY}, the earliest day Plumbline shows.`;
  const tomorrow = dayString(addDays(startOfUtcDay(now), 1));
  if (to > tomorrow) return `To (${to}) is in the future: pick today (${dayString(startOfUtcDay(now))}) or earlier.`;
  const length = daysBetween(from, to) + 1;
  if (length > MAX_WINDOW_DAYS) return `The window is ${length} days long; at most ${MAX_WINDOW_DAYS} days (five years) are shown at once.`;
  return undefined;
}
