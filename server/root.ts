import { auditRouter } from "./routers/audit";
import { groupsRouter } from "./routers/groups";
import { ingestKeysRouter } from "./routers/ingest-keys";
import { meRouter } from "./routers/me";
import { membershipsRouter } from "./routers/memberships";
import { tenantSettingsRouter } from "./routers/tenant-settings";
import { usersRouter } from "./routers/users";
import { workflowsRouter } from "./routers/workflows";
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
});

export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
