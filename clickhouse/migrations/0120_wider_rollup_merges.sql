-- Wider background merges for the tables every ingest flush adds a tiny part to (issue 3: ingest
-- throughput on 2 cores). A flush of 10,240 spans writes one part of a few rows to each daily rollup
-- and to ingest_stats; the default selector (merge_selector_base 5) merges such parts every few
-- flushes, and each merge costs milliseconds whatever its size. Those merges run while the next
-- flush's requests are being decoded, on the same two cores.
-- Measured on this 2-core machine, 30 flushes of the bench's 307,200 spans with their merges (4 s after
-- the last flush included), merge-thread CPU, three rounds each (runs and steps at base 10 throughout):
-- default 1,480 / 1,250 / 1,600 ms, base 10 1,100 / 1,320 / 1,490, base 16 1,020 / 1,080 / 1,110,
-- base 32 1,020 / 1,050 / 890. At rest 4 s later base 16 left 1–2 parts a table (default 1–5), base
-- 32 left 8–17: 16 merges less under load and still tidies up when it stops.
-- ingest_requests keeps the default: the writer looks keys up in it before every flush, and more
-- parts would make each lookup read more.
-- Only the timing of merges changes: no row is added, dropped or altered by it, and every rollup row
-- aggregates the same states whichever parts they came from.

ALTER TABLE runs_daily MODIFY SETTING merge_selector_base = 16;
ALTER TABLE steps_daily MODIFY SETTING merge_selector_base = 16;
ALTER TABLE run_flags_daily MODIFY SETTING merge_selector_base = 16;
ALTER TABLE ai_usage_daily MODIFY SETTING merge_selector_base = 16;
ALTER TABLE runs_cycle_daily MODIFY SETTING merge_selector_base = 16;
ALTER TABLE ingest_stats MODIFY SETTING merge_selector_base = 16;
