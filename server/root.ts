import { alertsRouter } from "./routers/alerts";
import { auditRouter } from "./routers/audit";
import { groupsRouter } from "./routers/groups";
import { ingestKeysRouter } from "./routers/ingest-keys";
import { meRouter } from "./routers/me";
import { membershipsRouter } from "./routers/memberships";
import { tenantSettingsRouter } from "./routers/tenant-settings";
import { usersRouter } from "./routers/users";
import { workflowsRouter } from "./routers/workflows";
import { complianceRouter } from "./routers/compliance";
import { exceptionsRouter } from "./routers/exceptions";
import { overviewRouter } from "./routers/overview";
import { runsRouter } from "./routers/runs";
import { settingsWorkflowsRouter } from "./routers/settings-workflows";
import { sourcesRouter } from "./routers/sources";
import { stalenessRouter } from "./routers/staleness";
import { workflowDetailRouter } from "./routers/workflow-detail";
import { businessRouter } from "./routers/business";
import { anomaliesRouter } from "./routers/anomalies";
import { createCallerFactory, router } from "./trpc";

/** Every router, one line each. */
export const appRouter = router({
  me: meRouter,
  workflows: workflowsRouter,
  users: usersRouter,
  memberships: membershipsRouter,
  groups: groupsRouter,
  ingestKeys: ingestKeysRouter,
  tenantSettings: tenantSettingsRouter,
  audit: auditRouter,
  alerts: alertsRouter,
  overview: overviewRouter,
  workflowDetail: workflowDetailRouter,
  exceptions: exceptionsRouter,
  sources: sourcesRouter,
  compliance: complianceRouter,
  business: businessRouter,
  settingsWorkflows: settingsWorkflowsRouter,
  runs: runsRouter,
  staleness: stalenessRouter,
  anomalies: anomaliesRouter,
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
