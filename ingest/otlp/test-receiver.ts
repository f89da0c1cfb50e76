import type { AddressInfo } from "node:net";
import type { Db } from "@/clickhouse/client";
import { createIngestKey } from "../keys";
import type { WriterOptions } from "../writer";
import { createIngestService, otlpHttpServer } from "./ingest-service";

/** A real receiver on an ephemeral port over the test store, with a fresh key for `tenantId`. */
export async function startTestReceiver(db: Db, tenantId: string, writer: Partial<WriterOptions> = { flushIntervalMs: 10 }) {
  const service = createIngestService(db, { secret: "test-secret", writer });
  const server = otlpHttpServer(service.routes);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const key = await createIngestKey(db, { tenantId, name: "test", createdBy: "test" });
  return {
    url: `http://127.0.0.1:${port}`,
    key: key.secret,
    keyId: key.keyId,
    service,
    async close() {
      await service.writer.drain();
      await new Promise((r) => server.close(r));
    },
  };
}
