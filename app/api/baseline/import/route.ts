import { z } from "zod";
import { ImportFileError } from "@/ingest/baseline/baseline-event";
import { ColumnMappingError } from "@/ingest/baseline/column-mapping";
import { DateOrderError } from "@/ingest/baseline/date-order";
import { workflowName } from "@/ingest/baseline/import-baseline";
import { importOptions } from "@/ingest/baseline/import-options";
import { previewImport } from "@/ingest/baseline/preview-import";
import { adminUpload, uploadText } from "@/server/admin-upload";
import { audit } from "@/server/audit";
import { auditedImport } from "@/server/baseline/audited-import";

/** Bigger exports go through `plumbline import` on the server, which streams from disk. */
const MAX_UPLOAD_BYTES = 200 * 1024 * 1024;

const form = z.object({
  tenant: z.string().min(1).max(100),
  workflow: workflowName,
  mode: z.enum(["preview", "commit"]),
  timeZone: z.string().min(1).max(64).default("UTC"),
  /** The form's "Date order" select; `auto` decides from the file's dates, as the CLI does. */
  dateOrder: z.enum(["auto", "dmy", "mdy"]).default("auto"),
  /** The form's "Columns" choices, sent as `map.<field>` = column; a field left out is detected. */
  mapping: importOptions.shape.mapping,
});

/** The form's fields: strings only, with the `map.<field>` choices gathered into one mapping. */
function fieldsOf(data: FormData) {
  const strings = [...data.entries()].filter((e): e is [string, string] => typeof e[1] === "string");
  const mapping = Object.fromEntries(strings.filter(([k, v]) => k.startsWith("map.") && v).map(([k, v]) => [k.slice(4), v]));
  return form.safeParse({ ...Object.fromEntries(strings.filter(([k]) => !k.startsWith("map."))), mapping });
}

/** A file error as the upload form's user can act on it: the form has fields, not CLI flags. */
function userMessage(err: ImportFileError): string {
  return err instanceof DateOrderError || err instanceof ColumnMappingError ? err.messageFor("form") : err.message;
}

/**
 * Settings → Baseline import: multipart upload (tenant, workflow, mode, file). `preview` answers JSON;
 * `commit` streams NDJSON progress lines, then the summary. Admins only, checked like every tRPC
 * procedure (resolveAccess), and imported through the same audited function as the CLI.
 */
export async function POST(req: Request): Promise<Response> {
  const upload = await adminUpload(req, {
    maxBytes: MAX_UPLOAD_BYTES,
    tooLarge: "File too large for an upload: use `plumbline import` on the server.",
    parse: fieldsOf,
    expected: "Expected tenant, workflow, mode, a date order of auto, dmy or mdy, known columns, and a file.",
    action: "baseline",
    summary: (f, file) => `workflow=${f.workflow} file=${file.name.slice(0, 200)}`,
  });
  if (upload instanceof Response) return upload;
  const { store, user, file, entry, tenantId, fields } = upload;
  const bytes = new Uint8Array(await file.arrayBuffer());
  const options = { timeZone: fields.timeZone, dateOrder: fields.dateOrder, mapping: fields.mapping };
  const base = { tenantId: tenantId, workflow: fields.workflow, source: bytes, options };
  if (fields.mode === "preview") {
    try {
      const preview = await previewImport(store, base);
      await audit(store, { ...entry, tenantId: tenantId, kind: "read", action: "baseline.preview", result: "ok" });
      return Response.json(preview);
    } catch (err) {
      // The header comes back with the message, so the form can offer its columns to choose from.
      if (err instanceof ColumnMappingError) return Response.json({ error: userMessage(err), headers: err.headers }, { status: 422 });
      if (err instanceof ImportFileError) return uploadText(422, userMessage(err));
      throw err;
    }
  }
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const send = (o: unknown) => controller.enqueue(encoder.encode(`${JSON.stringify(o)}\n`));
      let last = 0;
      try {
        const summary = await auditedImport(store, {
          ...base,
          fileName: file.name,
          actor: user.id,
          onProgress: (p) => {
            // A line per ~2% is enough for a progress bar and keeps the stream small.
            if (p.bytes - last >= bytes.length / 50 || p.bytes === bytes.length) {
              last = p.bytes;
              send({ progress: { ...p, totalBytes: bytes.length } });
            }
          },
        }, { actorEmail: user.email, ip: entry.ip });
        send({ summary });
      } catch (err) {
        send({ error: err instanceof ImportFileError ? userMessage(err) : "The import failed on the server. It has been logged." });
        if (!(err instanceof ImportFileError)) console.error("[plumbline] baseline upload failed:", err);
      }
      controller.close();
    },
  });
  return new Response(stream, { headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" } });
}
