import { parentPort } from "node:worker_threads";
import { type MapInput, mapRequest } from "./map-request";

/**
 * A mapping thread: requests in, encoded rows out. The rows are copied into the answer, not
 * transferred: small Buffers live in Node's shared pool, which cannot be handed over.
 */
parentPort?.on("message", (msg: { id: number; input: MapInput }) => {
  try {
    parentPort?.postMessage({ id: msg.id, out: mapRequest(msg.input) });
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
