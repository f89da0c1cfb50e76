import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { z } from "zod";
import { serverCaller } from "@/app/trpc/server";
import { checkReadOrigin, csrfRefusal } from "@/server/csrf";
import { auditCsv } from "@/server/routers/audit-csv";
import { auditFilter } from "@/server/routers/audit";

const query = auditFilter.extend({ tenant: z.string() });

/** CSV export of a tenant's audit log for admins; the export itself is audited as `audit.export`. */
export async function GET(req: Request): Promise<Response> {
  // The export is audited as the admin's: another site must not be able to trigger one.
  const verdict = checkReadOrigin(req.headers);
  if (!verdict.ok) return csrfRefusal(req, verdict);
  const params = Object.fromEntries(new URL(req.url).searchParams);
  const parsed = query.safeParse(params);
  if (!parsed.success) return new Response("Bad request: tenant is required; from/to are dates.\n", { status: 400 });
  try {
    const rows = await (await serverCaller()).audit.export(parsed.data);
    return new Response(auditCsv(rows), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="audit-${parsed.data.tenant}.csv"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    if (err instanceof TRPCError && err.code !== "INTERNAL_SERVER_ERROR") {
      return new Response(`${err.message}\n`, { status: getHTTPStatusCodeFromError(err) });
    }
    console.error("[plumbline] audit export failed:", err);
    return new Response("Something went wrong on the server. It has been logged.\n", { status: 500 });
  }
}
