import { z } from "zod";
import { anomalyMarkers } from "@/server/alerts/anomaly-markers";
import { router, tenantProcedure } from "../trpc";
import { cachedMetric } from "./cached-metric";

const markersInput = z.object({ workflow: z.string().min(1).max(200).optional() });

/** Anomalies found by the detector (docs/metrics.md, "Anomalies"), as the dashboards' chart markers. */
export const anomaliesRouter = router({
  markers: tenantProcedure(["executive", "ops", "admin"])
    .input(markersInput)
    .query(({ ctx, input }) =>
      anomalyMarkers(ctx.db, (db, key, metric) => cachedMetric(db, key, metric), { tenantId: ctx.tenant.id, workflow: input.workflow, workflows: ctx.workflows }, new Date()),
    ),
});
