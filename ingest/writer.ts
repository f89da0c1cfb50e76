import { createHash } from "node:crypto";
import { z } from "zod";
import type { Db } from "@/clickhouse/client";
import { type EncodedBatch, commitEncoded, encodeBatch, gatherEncoded } from "./commit";
import { type RowBatch, batchSize } from "./rows";

/**
 * The batching writer every collector submits to. ClickHouse pays 2–14 ms per INSERT whatever its
 * size (DESIGN.md §5), so rows from many requests are merged into one INSERT per table and flushed at
 * `maxBatchRows` rows or `flushIntervalMs` after the oldest waiting row (longer, up to 1 s, while a
 * flush takes longer than that: see `patience`), one flush at a time.
 *
 * Guarantees:
 * - `submit` resolves only after the request's rows are committed: a 200 means stored.
 * - Memory is bounded: beyond `maxQueuedRows` waiting or in-flight rows, `submit` throws
 *   `WriterSaturated` at once (the receiver answers 503 + Retry-After; OTLP spec: retryable).
 * - A retried request is not stored twice. A block merged across requests cannot be reproduced by a
 *   retry (its neighbours differ), so block deduplication alone would store a retried request's rows
 *   again (the metrics would still count each run once: metrics/run-set.ts). Each request therefore carries a key (hash of tenant, channel
 *   and body); the writer coalesces a retry that arrives while the original is still queued, and
 *   before every insert looks the flush's keys up in the `ingest_requests` ledger and drops the ones
 *   already committed, answering them as duplicates. A flush that fails part-way is retried with the
 *   same tokens, so ClickHouse drops the blocks that did land.
 * - The ledger rows are written under the flush's own dedup token once its data is committed, while
 *   its requests are answered: a sender only retries what was not answered 200, and the next flush
 *   need not wait. Until its ledger row is written a request's key stays in this writer's memory, so a
 *   retry that reaches this process meanwhile is answered from there. A retry can be stored twice only
 *   when the ledger row is missing: it reached another process in the few milliseconds before the row
 *   was written (exporters back off for a second or more first), or the ledger insert failed after
 *   its retries, or the process died first. Raw tables still collapse such duplicate rows
 *   (ReplacingMergeTree keyed by span identity); the rollups would count them twice.
 */
export interface WriterOptions {
  maxBatchRows: number;
  flushIntervalMs: number;
  maxQueuedRows: number;
  /**
   * After a flush, a batch that is not full waits up to this long for the senders the last flush
   * answered to come back, even with no request announced: they need that long to start their next
   * requests, which would otherwise each pay an INSERT's fixed cost in a flush of their own.
   */
  lingerMs: number;
  /** Seconds a rejected client should wait, sent as Retry-After. */
  retryAfterSeconds: number;
}

export const defaultWriterOptions: WriterOptions = {
  // From scripts/bench-ingest.ts on the 2-core reference machine: 10k-row blocks reach ~180k rows/s
  // (DESIGN.md §5) while a flush stays well under the exporters' 10 s timeout.
  maxBatchRows: 10_000,
  // Under load, senders answered by a flush come back over ~100–200 ms (their next requests are read
  // and mapped one after another); a shorter wait split their requests over two flushes, each paying
  // the INSERTs' fixed cost. bench:ingest at 20 senders, 3 rounds in turns: 250 / 150 gave 27.8 / 26.9 /
  // 28.3k spans/s and 54–58 µs of CPU a span, against 22.5 / 23.6 / 23.4k and 69–70 µs with 100 / 50;
  // at 8 senders 17.9 / 17.2k against 18.4 / 18.2k. A lone request still goes at once (see `due`).
  flushIntervalMs: 250,
  maxQueuedRows: 200_000,
  lingerMs: 150,
  retryAfterSeconds: 2,
};

export interface WriteRequest {
  /** Identifies the request across retries: equal keys are stored once. */
  key: string;
  tenantId: string;
  channel: string;
  /** The rows, or the rows already encoded (by a mapping thread) with their count. */
  batch: RowBatch | { encoded: EncodedBatch; rows: number };
}

export type WriteOutcome = "committed" | "duplicate";

export class WriterSaturated extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super("The ingest writer is saturated; retry later");
    this.name = "WriterSaturated";
  }
}

export class WriterFailed extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "WriterFailed";
  }
}

export interface BatchWriter {
  /**
   * A receiver announces a request as it starts reading it and calls the returned function once it
   * has submitted it (or given up on it), so a flush waits for requests already on their way instead
   * of leaving them to a flush of their own.
   */
  announce(): () => void;
  submit(request: WriteRequest): Promise<WriteOutcome>;
  /** Commits everything acknowledged or waiting and writes its ledger rows, then refuses new work (shutdown). */
  drain(): Promise<void>;
  /** Rows waiting or being inserted. */
  queuedRows(): number;
}

interface Entry {
  request: WriteRequest;
  rows: number;
  /** The request's rows per table, serialized when it arrived so a flush only lists the blocks (gatherEncoded). */
  encoded: EncodedBatch;
  promise: Promise<WriteOutcome>;
  resolve: (o: WriteOutcome) => void;
  reject: (e: Error) => void;
}

const ATTEMPTS = 3;
/** The longest a batch waits for senders, however slow the last flush (exporters time out after 10 s). */
const MAX_PATIENCE_MS = 1000;
const ledgerRow = z.object({ request_key: z.string() });

export { requestKey } from "./request-key";

async function withRetries(run: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= ATTEMPTS) throw err;
      await new Promise((r) => setTimeout(r, 100 * 4 ** (attempt - 1)));
    }
  }
}

export function createBatchWriter(db: Db, options: Partial<WriterOptions> = {}): BatchWriter {
  const o: WriterOptions = { ...defaultWriterOptions, ...options };
  const byKey = new Map<string, Entry>();
  let pending: Entry[] = [];
  let pendingRows = 0;
  let flushingRows = 0;
  let oldestPendingAt = 0;
  let lastFlushEndedAt = 0;
  /** How long the last flush took (see `patience`). */
  let lastFlushMs = 0;
  /** Requests the last flush answered: as many are expected back from senders that wait for their answer. */
  let lastAnswered = 0;
  /** Requests submitted since the last flush ended (those that came in while it ran are not its senders). */
  let arrivedSinceFlush = 0;
  /** Requests announced by a receiver and not yet submitted (being read, decoded, mapped). */
  let arriving = 0;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let closed = false;

  async function committedKeys(entries: readonly Entry[]): Promise<Set<string>> {
    const rows = await db.query(
      `SELECT request_key FROM ingest_requests
       WHERE tenant_id IN {tenants:Array(String)} AND request_key IN {keys:Array(String)}`,
      { tenants: [...new Set(entries.map((e) => e.request.tenantId))], keys: entries.map((e) => e.request.key) },
      ledgerRow,
    );
    return new Set(rows.map((r) => r.request_key));
  }

  /** Ledger inserts of answered flushes, still running (drain waits for them). */
  const ledgerWrites = new Set<Promise<void>>();

  function writeLedger(entries: readonly Entry[], token: string): Promise<void> {
    const ledger = entries.map((e) => ({ tenant_id: e.request.tenantId, request_key: e.request.key, channel: e.request.channel, rows: e.rows }));
    return withRetries(() => db.insert("ingest_requests", ledger, { dedupToken: `${token}:ledger` })).catch((err: unknown) => {
      // The rows are stored and answered; only a later retry of these requests could count them again.
      console.error(`[ingest] request ledger not written for ${entries.length} committed requests: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  async function flushOnce(entries: Entry[]): Promise<void> {
    let ledgerWrite: Promise<void> | undefined;
    try {
      const done = await committedKeys(entries);
      const fresh = entries.filter((e) => !done.has(e.request.key));
      if (fresh.length > 0) {
        // Keys are tenant-bound already (requestKey hashes the tenant in); naming the tenant too keeps a
        // caller's own keys from colliding across tenants, which would drop a block as a duplicate.
        const token = createHash("sha256")
          .update(fresh.map((e) => `${e.request.tenantId}/${e.request.key}`).sort().join(","))
          .digest("hex");
        const merged = gatherEncoded(fresh.map((e) => e.encoded));
        await withRetries(() => commitEncoded(db, merged, { dedupToken: token }));
        ledgerWrite = writeLedger(fresh, token);
      }
      for (const e of entries) e.resolve(done.has(e.request.key) ? "duplicate" : "committed");
    } catch (err) {
      const failure = new WriterFailed(
        `Could not commit the batch: ${err instanceof Error ? err.message : String(err)}`,
        o.retryAfterSeconds,
        { cause: err },
      );
      for (const e of entries) e.reject(failure);
    } finally {
      const forget = () => {
        for (const e of entries) byKey.delete(e.request.key);
      };
      if (ledgerWrite) {
        const written: Promise<void> = ledgerWrite.then(() => {
          forget();
          ledgerWrites.delete(written);
        });
        ledgerWrites.add(written);
      } else {
        forget();
      }
    }
  }

  /**
   * The latest a batch may wait: `flushIntervalMs` after its oldest row arrived, or after the previous
   * flush ended if that row arrived while it ran (it could not have gone sooner). Counting from arrival
   * alone let a request that came in during a flush go on its own right after it, ahead of the senders
   * that flush had just answered: measured at 8 senders, flushes then alternated 1 and 7 requests, and
   * each paid the INSERTs' fixed cost (~100 ms here) for a seventh of the rows.
   */
  const capAt = () => Math.max(oldestPendingAt, lastFlushEndedAt) + patience(o.flushIntervalMs);

  /**
   * A wait, stretched to the last flush's duration (at most MAX_PATIENCE_MS) when that was longer. A
   * flush costs the engine 50–80 ms of CPU however few rows it holds (a ledger lookup and four parts,
   * each measured as a one-row statement: docs/benchmarks.md); on a busy machine, where a flush takes longer than
   * the configured waits, senders came back after the batch had gone, and bench:ingest's flushes held
   * half of them (median 5,120 of 10,240 spans). Waiting as long as a flush takes at most doubles
   * what a request already waits; a full batch still goes at once.
   */
  function patience(ms: number): number {
    return Math.max(ms, Math.min(lastFlushMs, MAX_PATIENCE_MS));
  }

  /**
   * A batch goes when it is full, at `capAt`, or when nothing more is on its way: no announced request
   * is still being read and decoded, and either as many requests came in since the last flush ended as
   * it answered (its senders are back: counting what waits would let requests that arrived during the
   * flush stand in for them, and two halves of the senders would then alternate) or `lingerMs` have
   * passed since it ended.
   */
  function due(): boolean {
    if (pending.length === 0) return false;
    if (closed || pendingRows >= o.maxBatchRows) return true;
    const now = Date.now();
    if (now >= capAt()) return true;
    return arriving === 0 && (arrivedSinceFlush >= lastAnswered || now >= lastFlushEndedAt + patience(o.lingerMs));
  }

  /** When to look again if the batch is not due yet. */
  function wakeAt(): number {
    const cap = capAt();
    const linger = lastFlushEndedAt + patience(o.lingerMs);
    return arriving === 0 && linger > Date.now() ? Math.min(cap, linger) : cap;
  }

  function schedule(): void {
    if (running || pending.length === 0) return;
    if (due()) {
      if (timer) clearTimeout(timer);
      timer = undefined;
      running = loop();
      return;
    }
    timer ??= setTimeout(
      () => {
        timer = undefined;
        schedule();
      },
      Math.max(0, wakeAt() - Date.now()),
    );
  }

  async function loop(): Promise<void> {
    while (due()) {
      const entries = pending;
      pending = [];
      flushingRows = pendingRows;
      pendingRows = 0;
      const startedAt = Date.now();
      await flushOnce(entries);
      flushingRows = 0;
      lastFlushEndedAt = Date.now();
      lastFlushMs = lastFlushEndedAt - startedAt;
      lastAnswered = entries.length;
      arrivedSinceFlush = 0;
    }
    running = undefined;
    schedule();
  }

  return {
    announce() {
      arriving++;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        arriving--;
        if (arriving === 0) schedule();
      };
    },
    submit(request) {
      const same = byKey.get(request.key);
      if (same) return same.promise;
      const b = request.batch;
      const rows = "encoded" in b ? b.rows : batchSize(b);
      if (rows === 0) return Promise.resolve("committed");
      if (closed) return Promise.reject(new WriterFailed("The ingest writer is shutting down", o.retryAfterSeconds));
      const queued = pendingRows + flushingRows;
      // A request larger than the whole bound is still taken when nothing else waits, so it cannot starve.
      if (queued > 0 && queued + rows > o.maxQueuedRows) return Promise.reject(new WriterSaturated(o.retryAfterSeconds));
      let resolve!: (x: WriteOutcome) => void;
      let reject!: (e: Error) => void;
      const promise = new Promise<WriteOutcome>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      const entry: Entry = { request, rows, encoded: "encoded" in b ? b.encoded : encodeBatch(b), promise, resolve, reject };
      byKey.set(request.key, entry);
      if (pending.length === 0) oldestPendingAt = Date.now();
      pending.push(entry);
      pendingRows += rows;
      arrivedSinceFlush++;
      schedule();
      return promise;
    },
    async drain() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      schedule();
      while (running || ledgerWrites.size > 0) {
        await running;
        await Promise.all(ledgerWrites);
      }
    },
    queuedRows: () => pendingRows + flushingRows,
  };
}
