import { z } from "zod";
import { auditCursor, auditEvents, auditEventStream, auditFilter } from "@/server/audit-events";
import { router, tenantProcedure } from "../trpc";
import { auditCsvStream } from "./audit-csv";

export const auditRouter = router({
  /** A page of the filtered log, newest first; `cursor` (server/audit-events.ts `cursorAfter`) continues after a row. */
  list: tenantProcedure("admin")
    .input(auditFilter.and(z.object({ limit: z.number().int().min(1).max(1000).default(200), cursor: auditCursor.optional() })))
    .query(({ ctx, input }) => auditEvents(ctx.db, ctx.tenant.id, input, input.limit, input.cursor)),
  /**
   * Every filtered row as CSV text, streamed from the engine (app/api/audit/export); a separate name so
   * the log shows exports. Nothing is read until the caller iterates.
   */
  export: tenantProcedure("admin")
    .input(auditFilter)
    .query(({ ctx, input }) => ({ csv: auditCsvStream(auditEventStream(ctx.db, ctx.tenant.id, input)) })),
});
