import { Worker } from "node:worker_threads";
import type { EncodedBatch } from "../commit";
import { type MapInput, type MapOutput, mapRequest, movable } from "./map-request";

export type Mapper = (input: MapInput) => Promise<MapOutput>;

/** A mapping thread died under a request: nothing was stored, and the sender may retry (503). */
export class MappingUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MappingUnavailable";
  }
}

interface Slot {
  worker: Worker;
  waiting: Map<number, { resolve: (o: MapOutput) => void; reject: (e: Error) => void }>;
}

/**
 * Decoding, mapping and encoding a request take ~12 µs a span on the JS thread, and senders that wait
 * for their answer all come back at once after a flush: the JS thread then decodes their requests one
 * after another while the engine idles. Mapping threads run them beside the JS thread. With `size` 0,
 * or when a thread cannot start, requests are mapped in-process as before.
 */
export function createMapper(size: number): { map: Mapper; close: () => Promise<void> } {
  const inProcess: Mapper = async (input) => mapRequest(input);
  if (size <= 0) return { map: inProcess, close: async () => undefined };
  let next = 0;
  let seq = 0;
  const slots: (Slot | undefined)[] = new Array<Slot | undefined>(size);

  const start = (i: number): Slot | undefined => {
    let worker: Worker;
    try {
      worker = new Worker(new URL("./map-worker-boot.mjs", import.meta.url));
    } catch {
      return undefined;
    }
    // Idle threads must not keep a finished process alive.
    worker.unref();
    const slot: Slot = { worker, waiting: new Map() };
    worker.on("message", (m: { id: number; out?: MapOutput; error?: string }) => {
      const w = slot.waiting.get(m.id);
      if (!w) return;
      slot.waiting.delete(m.id);
      if (!m.out) {
        // Mapping itself threw (a fault, not bad input: decode errors come back as `ok: false`), as it
        // would have in-process.
        w.reject(new Error(m.error ?? "mapping failed"));
        return;
      }
      // A Buffer arrives as a plain Uint8Array: view it as a Buffer again, without copying.
      if (m.out.ok) {
        for (const k of Object.keys(m.out.encoded) as (keyof EncodedBatch)[]) {
          const u = m.out.encoded[k]!;
          m.out.encoded[k] = Buffer.from(u.buffer, u.byteOffset, u.byteLength);
        }
      }
      w.resolve(m.out);
    });
    // A thread that dies fails what it held (the receiver answers 503: OTLP exporters retry it) and is
    // replaced on next use.
    const fail = (err: Error) => {
      for (const w of slot.waiting.values()) w.reject(err);
      slot.waiting.clear();
      if (slots[i] === slot) slots[i] = undefined;
    };
    worker.on("error", (e) => fail(new MappingUnavailable(`mapping thread failed: ${e.message}`)));
    worker.on("exit", (code) => fail(new MappingUnavailable(`mapping thread exited (${code})`)));
    slots[i] = slot;
    return slot;
  };

  const map: Mapper = (input) => {
    const i = next++ % size;
    const slot = slots[i] ?? start(i);
    if (!slot) return inProcess(input);
    const id = ++seq;
    return new Promise<MapOutput>((resolve, reject) => {
      slot.waiting.set(id, { resolve, reject });
      // The body moves to the thread when it owns its memory (it is unusable here afterwards: the
      // thread takes the request key too). Copying it cost the JS thread ~1 µs a span in bench:ingest.
      const body = movable(input.body);
      slot.worker.postMessage({ id, input }, body ? [body] : []);
    });
  };

  return {
    map,
    close: async () => {
      await Promise.all(slots.map((s) => s?.worker.terminate()));
    },
  };
}
