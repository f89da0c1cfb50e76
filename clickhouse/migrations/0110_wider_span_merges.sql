-- Wider background merges for the span tables (issue 3: ingest throughput on 2 cores).
-- Every flush adds one part to runs and one to steps, and merging them back is a large share of what
-- a stored span costs: ~14 µs of CPU a span in merge threads during bench:ingest, more than reading
-- the flush itself. merge_selector_base sets how many parts of a size the selector lets accumulate
-- before it merges them, so a higher base rewrites each row fewer times at the price of a few more
-- parts at rest. Measured on this 2-core machine, 30 flushes of 10,240 spans with their merges
-- (4 s after the last flush included), merge-thread CPU, two rounds each:
-- default (5) 3.68 / 2.98 s, base 8 3.08 / 2.28 s, base 10 1.63 / 1.82 s, base 16 2.22 / 2.16 s.
-- At rest runs and steps held 11 parts each with base 10, against 3 and 9 by default.
-- Only the timing of merges changes: no row is added, dropped or altered by it, and the rollups the
-- dashboards read are not touched.

ALTER TABLE runs MODIFY SETTING merge_selector_base = 10;
ALTER TABLE steps MODIFY SETTING merge_selector_base = 10;
