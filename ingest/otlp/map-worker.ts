import { type Transferable, parentPort } from "node:worker_threads";
import { type MapInput, mapRequest, movable } from "./map-request";

/**
 * A mapping thread: requests in, encoded rows out. Each table's block moves to the JS thread when it
 * owns its memory; a small one lives in Node's shared pool and is copied.
 */
parentPort?.on("message", (msg: { id: number; input: MapInput }) => {
  try {
    const out = mapRequest(msg.input);
    const moving: Transferable[] = [];
    if (out.ok) {
      for (const block of Object.values(out.encoded)) {
        const b = block && movable(block);
        if (b) moving.push(b);
      }
    }
    parentPort?.postMessage({ id: msg.id, out }, moving);
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
