import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { SHARED_MS, memoRead } from "@/clickhouse/read-memo";
import { type Remember, runDetail } from "@/metrics/run-detail";
import { runList, runListInput } from "@/metrics/run-list";
import { router, tenantProcedure } from "../trpc";

const READERS = ["executive", "ops", "admin"] as const;

const byIdInput = z.object({
  runId: z.string().min(1).max(200),
  /** Optional: a run id is looked up among the caller's workflows when it is not given. */
  workflow: z.string().min(1).max(200).optional(),
  phase: z.enum(["baseline", "live", "manual"]).optional(),
});

/** The runs explorer: the runs behind every count, and the page of one run. */
export const runsRouter = router({
  list: tenantProcedure(READERS)
    .input(runListInput)
    .query(({ ctx, input }) => {
      const { cursor, limit, ...filter } = input;
      const who = { tenantId: ctx.tenant.id, workflows: ctx.workflows };
      // Shared for a minute like the metrics computed when asked, and forgotten as soon as this process
      // writes spans (clickhouse/read-memo.ts). The default window ends today: the day is in the key.
      const key = `runs|${JSON.stringify({ who, input, day: new Date().toISOString().slice(0, 10) })}`;
      return memoRead(ctx.db, key, ["runs", "steps"], SHARED_MS, () => runList(ctx.db, who, filter, { cursor, limit }));
    }),
  /** One run; a run of a workflow behind the caller's barrier is as unknown as one that does not exist. */
  byId: tenantProcedure(READERS)
    .input(byIdInput)
    .query(async ({ ctx, input }) => {
      // Where the run is, its record and its steps are shared like the list (forgotten when this process
      // writes spans); its exception item and queue history are read on every request.
      const remember: Remember = (name, read) => memoRead(ctx.db, `run-detail|${name}`, ["runs", "steps"], SHARED_MS, read);
      const run = await runDetail(ctx.db, { tenantId: ctx.tenant.id, workflows: ctx.workflows, ...input }, remember);
      if (!run) throw new TRPCError({ code: "NOT_FOUND", message: "No such run." });
      return run;
    }),
});
