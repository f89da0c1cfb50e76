import type { ActiveTenant } from "@/app/trpc/server";

/**
 * The first page of each role (issue 25): the executive's ROI, the ops lead's queue, the engineer's
 * ingest health. Admins see everything and start where the executive does.
 */
export const LANDING: Record<ActiveTenant["role"], string> = {
  executive: "/overview",
  ops: "/exceptions",
  engineer: "/sources",
  admin: "/overview",
};

/** Where "/" sends a member; without a tenant, Overview explains how to get access. */
export const landingPath = (tenant: Pick<ActiveTenant, "role"> | undefined): string => (tenant ? LANDING[tenant.role] : "/overview");
