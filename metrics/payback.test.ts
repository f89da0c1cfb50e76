import { describe, expect, it } from "vitest";
import { payback } from "./labor-value";
import { addDays, dayString } from "./scope";

const D0 = new Date(Date.UTC(2026, 0, 1));
const day = (n: number) => dayString(addDays(D0, n));
/** +10 a day of net value from `from` to `to` (inclusive), per workflow, added up. */
function net(spans: [from: number, to: number][]): Map<string, number> {
  const m = new Map<string, number>();
  for (const [from, to] of spans) for (let d = from; d <= to; d++) m.set(day(d), (m.get(day(d)) ?? 0) + 10);
  return m;
}

describe("payback, each investment on its go-live day", () => {
  it("is reached once the cumulative climbs out of every hole dug so far", () => {
    // A goes live on day 0 (100 invested), B on day 5 (100). By hand: day 4 ends at −50; day 5 at
    // −50 − 100 + 20 = −130; +20 a day after: −10 on day 11, +10 on day 12.
    const investments = new Map([[day(0), 100], [day(5), 100]]);
    const daily = net([[0, 30], [5, 30]]);
    expect(payback({ daily, investments, investment: 200 }, addDays(D0, 31), null)).toEqual({ date: day(12), projected: false, implementation_cost: 200, unknown_reason: null });
  });

  it("is not reached while a later go-live's investment keeps the total below 0, and says when at today's pace", () => {
    // A alone is back at 0 on day 9 (−100 + 10·10) and at 100 after day 19; B's 300 on day 20 digs a
    // new hole: day 20 ends at 100 − 300 + 20 = −180, day 24 at −180 + 4·20 = −100. Pace: the last 30
    // days with entries (days 0–24, 25 of them) average (250 + 50)/25 = 12 a day, so 100/12 = 8.3 →
    // 9 days: today (day 25) + 9 − 1 = day 33.
    const investments = new Map([[day(0), 100], [day(20), 300]]);
    const daily = net([[0, 24], [20, 24]]);
    expect(payback({ daily, investments, investment: 400 }, addDays(D0, 25), null)).toEqual({ date: day(33), projected: true, implementation_cost: 400, unknown_reason: null });
  });
});
