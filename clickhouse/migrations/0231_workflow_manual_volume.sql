-- A declared manual volume per workflow (issue 27): the runs a week still done by hand, for teams that do
-- not report manual runs as phase `manual`. The pilot-trap detector reads it as manual volume that
-- persists (docs/metrics.md, "Pilot trap"). Older rows read 0: nothing declared.
ALTER TABLE workflows ADD COLUMN IF NOT EXISTS manual_runs_per_week Float64 DEFAULT 0
    COMMENT 'declared runs per week still done by hand (0: none declared)' AFTER recurring_investment_monthly;
