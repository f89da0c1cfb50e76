-- Cycle-time states stored uncompressed (issue 5: the cycle-time tile must beat the raw query 2×).
-- A reservoir state is a list of Float64 seconds; LZ4 saves 25% of it (39 of 52 MB at 50M spans) but the
-- tile then spends its time decompressing. Measured on one tenant's 12-month tile at 50M spans, two
-- rounds each on the same states: 16.6 / 14.8 ms uncompressed, 19.0 / 18.4 ms LZ4, 19.4 / 20.7 ms ZSTD(1).
-- Cost: +0.26 bytes per span in the rollups, none in the span tables. Existing parts keep LZ4 until merged.
-- Only the byte layout on disk changes; no query, row or result does.

ALTER TABLE runs_cycle_daily MODIFY COLUMN cycle_seconds_q CODEC(NONE);
