import { z } from "zod";
import { MonthlyFileError } from "@/ingest/business/monthly-csv";
import { adminUpload, uploadText } from "@/server/admin-upload";
import { auditedMonthlyImport } from "@/server/business/business-figures";

/** Monthly figures are months × measures: a few MB at most. */
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

const form = z.object({ tenant: z.string().min(1).max(100), mode: z.enum(["preview", "commit"]) });

/**
 * Settings → Business figures: multipart upload (tenant, mode, file) of the monthly CSV
 * (docs/conventions.md, "Monthly import"). `preview` stores nothing; `commit` imports through the same
 * audited function as `plumbline business import`. Admins only; both answer the summary as JSON.
 */
export async function POST(req: Request): Promise<Response> {
  const upload = await adminUpload(req, {
    maxBytes: MAX_UPLOAD_BYTES,
    tooLarge: "File too large: monthly figures fit in 20 MB; use `plumbline business import` on the server.",
    parse: (data) => form.safeParse(Object.fromEntries([...data.entries()].filter(([, v]) => typeof v === "string"))),
    expected: "Expected tenant, mode (preview or commit) and a CSV file.",
    action: "business",
    summary: (_f, file) => `file=${file.name.slice(0, 200)}`,
  });
  if (upload instanceof Response) return upload;
  const { store, user, file, entry, tenantId, fields } = upload;
  try {
    const summary = await auditedMonthlyImport(
      store,
      { tenantId, fileName: file.name, text: await file.text(), actor: user.id, dryRun: fields.mode === "preview" },
      { actorEmail: user.email, ip: entry.ip },
    );
    return Response.json(summary);
  } catch (err) {
    if (err instanceof MonthlyFileError) return uploadText(422, err.message);
    throw err;
  }
}
