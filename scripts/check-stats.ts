/**
 * `npm run check:stats [-- --comparisons N --seed S]`: the statistical acceptance of issue 22.
 *
 * Seeded synthetic lognormal cycle times, through the very functions the cycle-time metric calls
 * (`bootstrapCompression(baseline, live)` and `mannWhitney(baseline, live)`, default options, at most
 * 2,000 runs a side as its sample):
 *  (a) live = baseline × 0.7 in distribution, so the true compression of the median is exactly 0.30:
 *      the share of 95% intervals that cover 0.30 must be 95% ± 2%;
 *  (b) live drawn from the baseline's own distribution: the share of p < 0.05 must be 5% ± 2%.
 * Each comparison draws its own side sizes (200–2,000, as a real workflow's sample) and spread.
 * Prints both figures and exits 1 when either is outside its band.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { bootstrapCompression, mannWhitney, seededRandom } from "@/metrics/stats";

export const TRUE_COMPRESSION = 0.3;

export interface SimulationOptions {
  comparisons: number;
  seed: number;
  /** Side sizes are drawn uniformly from this range (inclusive). */
  minSize?: number;
  maxSize?: number;
}

export interface SimulationResult {
  comparisons: number;
  /** (a) Share of 95% intervals covering the true compression 0.30. */
  coverage: number;
  /** (b) Share of no-change comparisons with p < 0.05. */
  falsePositiveRate: number;
}

/** A standard normal draw (Box–Muller on the seeded generator; 1 − u keeps the log finite). */
function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** n lognormal cycle times in seconds: median `medianSeconds`, log-spread `sigma`. */
function lognormal(rand: () => number, n: number, medianSeconds: number, sigma: number): number[] {
  return Array.from({ length: n }, () => medianSeconds * Math.exp(sigma * gaussian(rand)));
}

export function simulate(options: SimulationOptions): SimulationResult {
  const rand = seededRandom(options.seed);
  const minSize = options.minSize ?? 200;
  const maxSize = options.maxSize ?? 2000;
  const size = () => minSize + Math.floor(rand() * (maxSize - minSize + 1));
  let covered = 0;
  let rejected = 0;
  for (let i = 0; i < options.comparisons; i++) {
    // A baseline median between 2 h and 2 days, and a log-spread between 0.5 and 1.5 (real cycle
    // times are right-skewed; the spread sets how wide the interval must be).
    const median = 7_200 * Math.exp(rand() * Math.log(24));
    const sigma = 0.5 + rand();
    const baseline = lognormal(rand, size(), median, sigma);
    const faster = lognormal(rand, size(), median * (1 - TRUE_COMPRESSION), sigma);
    const [lo, hi] = bootstrapCompression(baseline, faster);
    if (lo <= TRUE_COMPRESSION && TRUE_COMPRESSION <= hi) covered++;
    const same = lognormal(rand, size(), median, sigma);
    if (mannWhitney(baseline, same).p < 0.05) rejected++;
  }
  return { comparisons: options.comparisons, coverage: covered / options.comparisons, falsePositiveRate: rejected / options.comparisons };
}

export const within = (value: number, target: number, tolerance: number): boolean => Math.abs(value - target) <= tolerance + 1e-12;

function main(): void {
  const { values } = parseArgs({ options: { comparisons: { type: "string" }, seed: { type: "string" } } });
  const comparisons = Number(values.comparisons ?? 1000);
  const seed = Number(values.seed ?? 1);
  if (!Number.isInteger(comparisons) || comparisons < 1) throw new Error("--comparisons must be a positive integer");
  if (!Number.isInteger(seed)) throw new Error("--seed must be an integer");
  const started = Date.now();
  const r = simulate({ comparisons, seed });
  const coverageOk = within(r.coverage, 0.95, 0.02);
  const fprOk = within(r.falsePositiveRate, 0.05, 0.02);
  const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
  console.log(`${comparisons} comparisons, seed ${seed}, sides of 200–2,000 runs (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  console.log(`(a) 30% compression: the 95% interval covers 0.30 in ${pct(r.coverage)} (must be 95% ± 2%) ${coverageOk ? "ok" : "FAIL"}`);
  console.log(`(b) no change: p < 0.05 in ${pct(r.falsePositiveRate)} (must be 5% ± 2%) ${fprOk ? "ok" : "FAIL"}`);
  console.log(JSON.stringify({ seed, ...r }));
  if (!coverageOk || !fprOk) process.exitCode = 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
