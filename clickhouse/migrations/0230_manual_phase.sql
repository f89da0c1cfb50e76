-- The `manual` phase (issue 27, the pilot-trap detector): runs still done by hand after go-live, reported
-- beside the live ones so that a manual process running in parallel shows. Such runs are neither live
-- nor baseline: every metric reads one phase by name (metrics/run-set.ts, step-set.ts), so they count in
-- none of them (docs/metrics.md, "Pilot trap"). Appending an Enum value is a metadata-only change, also
-- for a column of the sorting key. Manual rows are not removed by the live-only TTL: like baseline rows
-- they are few, and they are the evidence of the manual volume.
ALTER TABLE runs MODIFY COLUMN phase Enum8('baseline' = 1, 'live' = 2, 'manual' = 3);
ALTER TABLE steps MODIFY COLUMN phase Enum8('baseline' = 1, 'live' = 2, 'manual' = 3);
