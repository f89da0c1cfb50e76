import { createHash } from "node:crypto";

/** A request key: the same tenant, channel and body always give the same key (see BatchWriter). */
export function requestKey(tenantId: string, channel: string, body: Uint8Array): string {
  return createHash("sha256").update(tenantId).update("\u0000").update(channel).update("\u0000").update(body).digest("hex");
}
