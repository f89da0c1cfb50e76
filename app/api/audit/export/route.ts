import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { z } from "zod";
import { serverCaller } from "@/app/trpc/server";
import { auditFilter } from "@/server/audit-events";
import { checkReadOrigin, csrfRefusal } from "@/server/csrf";

const query = auditFilter.and(z.object({ tenant: z.string() }));

/** Text chunks as a byte stream; leaving early (the client went away) ends the engine's query too. */
function bytes(chunks: AsyncIterable<string>): ReadableStream<Uint8Array> {
  const it = chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  return new ReadableStream({
    async pull(controller) {
      try {
        const { value, done } = await it.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (err) {
        // Headers are gone: a truncated download must not look complete, so the stream errors.
        console.error("[plumbline] audit export failed while streaming:", err);
        controller.error(new Error("audit export failed"));
      }
    },
    async cancel() {
      await it.return?.();
    },
  });
}

/**
 * CSV export of a tenant's audit log for admins: exactly the rows the audit page's filters select,
 * streamed as the engine reads them, so a seven-year log is never held in memory. The export itself
 * is audited as `audit.export`.
 */
export async function GET(req: Request): Promise<Response> {
  // The export is audited as the admin's: another site must not be able to trigger one.
  const verdict = checkReadOrigin(req.headers);
  if (!verdict.ok) return csrfRefusal(req, verdict);
  const parsed = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join(".") || "query"}: ${i.message}`).join("; ");
    return new Response(`Bad request: ${why}\n`, { status: 400 });
  }
  try {
    const { csv } = await (await serverCaller()).audit.export(parsed.data);
    return new Response(bytes(csv), {
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
