-- A recurring investment per workflow (issue 22, finding 9): what the firm keeps paying to run the
-- automation besides the platform licence (support, model operations, the people who maintain it),
-- per month. With the one-time `implementation_cost` it completes the cost side of ROI and payback
-- (docs/metrics.md, "Labor hours and ROI"). Older rows read 0, which is what they meant: nothing declared.
ALTER TABLE workflows ADD COLUMN IF NOT EXISTS recurring_investment_monthly Float64 DEFAULT 0
    COMMENT 'recurring investment per month (support, maintenance), beside platform_cost_monthly' AFTER implementation_cost;
