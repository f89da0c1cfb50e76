import { describe, expect, it } from "vitest";
import { type AnomalyOptions, DEFAULT_PERSISTENCE, detectAnomalies, type JudgedDay, type SeriesPoint } from "./anomaly";
import { addDays, dayString, startOfUtcDay } from "./scope";
import { seededRandom } from "./stats";

const START = startOfUtcDay(new Date());
const days = (values: (number | null)[]): SeriesPoint[] => values.map((value, i) => ({ day: dayString(addDays(START, i)), value }));
const MEDIUM: AnomalyOptions = { sensitivity: "medium", persistence: DEFAULT_PERSISTENCE, zeroIsOutage: false };

describe("the anomaly detector, by hand", () => {
  // Three weeks of 10 + weekday offset, the weeks off by +2, −2 and 0: each weekday's median is its own
  // base, the 21 residuals are fourteen 2s and seven 0s, so σ = 1.4826 × 2 = 2.9652 and the medium band
  // is base ± 3 × 2.9652 = ± 8.8956.
  const base = [10, 11, 12, 13, 14, 15, 16];
  const history = [2, -2, 0].flatMap((e) => base.map((b) => b + e));

  it("gives the same weekday's median as expected value and a band of three robust spreads", () => {
    const [day] = detectAnomalies(days([...history, 10]), MEDIUM).slice(-1);
    expect(day?.expected).toBe(10);
    expect(day?.lower).toBeCloseTo(10 - 8.8956, 6);
    expect(day?.upper).toBeCloseTo(10 + 8.8956, 6);
    expect(day).toMatchObject({ outside: false, firing: false });
  });

  it("waits for a second day outside the band (2 of 3), then fires", () => {
    // 20 is (20 − 10) / 2.9652 = 3.37 spreads above: outside, not far enough (6) to fire alone.
    const judged = detectAnomalies(days([...history, 20, 21]), MEDIUM);
    expect(judged.at(-2)).toMatchObject({ outside: true, firing: false });
    expect(judged.at(-2)?.z).toBeCloseTo(10 / 2.9652, 4);
    expect(judged.at(-1)).toMatchObject({ outside: true, firing: true });
  });

  it("fires at once on a day far outside the band, and on a volume that drops to zero", () => {
    // 30 is 20 / 2.9652 = 6.7 spreads above: at least twice the band's 3.
    expect(detectAnomalies(days([...history, 30]), MEDIUM).at(-1)).toMatchObject({ firing: true });
    // Base 10 ± 8.9: a zero is 3.37 spreads below, which fires alone only as a volume outage.
    expect(detectAnomalies(days([...history, 0]), MEDIUM).at(-1)).toMatchObject({ firing: false });
    expect(detectAnomalies(days([...history, 0]), { ...MEDIUM, zeroIsOutage: true }).at(-1)).toMatchObject({ firing: true });
  });

  it("judges nothing with less than three weeks of history, and never an unknown day", () => {
    expect(detectAnomalies(days(history.slice(0, 20).concat([100])), MEDIUM).at(-1)).toMatchObject({ expected: null, firing: false });
    const judged = detectAnomalies(days([...history, null]), MEDIUM).at(-1);
    expect(judged).toMatchObject({ value: null, z: null, outside: false, firing: false });
    expect(judged?.expected).toBe(10);
  });

  it("does not learn a bad week as normal: the week after it is judged against the weeks before", () => {
    const clean = [0, 1, -1, 0, 1, -1].flatMap((e) => base.map((b) => b + e));
    const bad = base.map((b) => b + 40);
    const judged = detectAnomalies(days([...clean, ...bad, ...base]), MEDIUM);
    expect(judged.slice(clean.length, clean.length + 7).every((d) => d.firing)).toBe(true);
    // After the bad week each weekday's expected value is still its base.
    expect(judged.slice(-7).map((d) => d.expected)).toEqual(base);
    expect(judged.slice(-7).some((d) => d.outside)).toBe(false);
  });
});

/** Standard normal by Box–Muller from a seeded uniform source. */
const normal = (rand: () => number) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

type Kind = "volume" | "exception-rate" | "cycle-time";
interface Simulated {
  values: number[];
  /** Runs behind each day (the volume), which a rate is a share of. */
  runs: number[];
  /** The noise σ of each day, which sets the size of an injected anomaly. */
  sigma: number[];
}

const YEAR = 365;

/** A year of one series with a weekly pattern (quiet weekends) and its kind's noise. */
function simulate(kind: Kind, rand: () => number): Simulated {
  const level = 80 + 220 * rand();
  const rate = 0.05 + 0.1 * rand();
  const hours = 3 + 7 * rand();
  const values: number[] = [];
  const sigma: number[] = [];
  const runs: number[] = [];
  for (let d = 0; d < YEAR; d++) {
    const wd = (START.getUTCDay() + d) % 7;
    const volume = level * (wd === 0 || wd === 6 ? 0.4 : 1 + 0.1 * (wd === 1 ? 1 : 0));
    // Poisson counts, binomial rates over that day's runs, log-normal daily medians (8%).
    const s = kind === "volume" ? Math.sqrt(volume) : kind === "exception-rate" ? Math.sqrt((rate * (1 - rate)) / volume) : hours * 0.08;
    const mean = kind === "volume" ? volume : kind === "exception-rate" ? rate : hours * (wd === 1 ? 1.2 : 1);
    values.push(Math.max(0, mean + s * normal(rand)));
    sigma.push(s);
    runs.push(Math.round(volume));
  }
  return { values, sigma, runs };
}

type Injection = "shift-up" | "shift-down" | "spike" | "zero";
/** Level shifts of 6σ for two weeks, spikes of 8σ for two days (the persistence), a pipeline silent for three days. */
function inject(s: Simulated, what: Injection, at: number): number[] {
  const v = [...s.values];
  const len = what === "spike" ? 2 : what === "zero" ? 3 : 14;
  for (let d = at; d < at + len; d++) {
    const size = what === "spike" ? 8 : 6;
    v[d] = what === "zero" ? 0 : Math.max(0, v[d]! + (what === "shift-down" ? -size : size) * s.sigma[d]!);
  }
  return v;
}

const NOISE = { volume: "count", "exception-rate": "share", "cycle-time": undefined } as const;
const judge = (s: Simulated, values: number[], kind: Kind): JudgedDay[] =>
  detectAnomalies(
    days(values).map((p, i) => ({ ...p, runs: s.runs[i] })),
    { ...MEDIUM, zeroIsOutage: kind === "volume", noise: NOISE[kind] },
  );
/** Episodes: runs of consecutive firing days (one alert each, as the evaluator opens them). */
const episodes = (judged: JudgedDay[]) => judged.filter((d, i) => d.firing && !judged[i - 1]?.firing).length;

describe("the anomaly detector on a simulated year (issue 27 acceptance)", () => {
  it("detects ≥ 95% of injected anomalies within 2 days, zero volume within 1, and ≤ 1 false alarm per workflow per month", () => {
    const rand = seededRandom(27);
    const kinds: Kind[] = ["volume", "exception-rate", "cycle-time"];
    const WORKFLOWS = 40;
    let cleanEpisodes = 0;
    let judgedDays = 0;
    const found: Record<Injection, { cases: number; within: number }> = {
      "shift-up": { cases: 0, within: 0 },
      "shift-down": { cases: 0, within: 0 },
      spike: { cases: 0, within: 0 },
      zero: { cases: 0, within: 0 },
    };
    for (let w = 0; w < WORKFLOWS; w++) {
      for (const kind of kinds) {
        const plain = simulate(kind, rand);
        const clean = judge(plain, plain.values, kind);
        cleanEpisodes += episodes(clean);
        if (kind === "volume") judgedDays += clean.filter((d) => d.expected !== null).length;
        const injections: Injection[] = kind === "volume" ? ["shift-up", "shift-down", "spike", "zero"] : ["shift-up", "shift-down", "spike"];
        for (const what of injections) {
          const s = simulate(kind, rand);
          const at = 90 + Math.floor(rand() * 250);
          const judged = judge(s, inject(s, what, at), kind);
          const within = what === "zero" ? 1 : 2;
          found[what].cases++;
          if (judged.slice(at, at + within).some((d) => d.firing)) found[what].within++;
        }
      }
    }
    const months = judgedDays / WORKFLOWS / (365.25 / 12);
    const falsePerWorkflowMonth = cleanEpisodes / WORKFLOWS / months;
    const rate = (f: { cases: number; within: number }) => f.within / f.cases;
    const all = Object.values(found).reduce((a, f) => ({ cases: a.cases + f.cases, within: a.within + f.within }), { cases: 0, within: 0 });
    console.log(
      `[anomaly simulation] ${WORKFLOWS} workflows × 3 series, a year each: detected within 2 days ${all.within}/${all.cases} (${(rate(all) * 100).toFixed(1)}%);` +
        Object.entries(found).map(([k, f]) => ` ${k} ${f.within}/${f.cases}`).join(";") +
        `; false alarms on clean data ${cleanEpisodes} episodes = ${falsePerWorkflowMonth.toFixed(3)} per workflow per month`,
    );
    expect(rate(all)).toBeGreaterThanOrEqual(0.95);
    expect(rate(found.zero)).toBe(1);
    expect(falsePerWorkflowMonth).toBeLessThanOrEqual(1);
  });
});
