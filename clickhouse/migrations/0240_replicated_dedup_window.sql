-- Retried inserts deduplicated on a cluster too (issue 28). The tables below keep the hashes of their
-- last 10,000 inserted blocks, so an insert retried with the same insert_deduplication_token is
-- dropped. On one node that is non_replicated_deduplication_window, set when they were created; this
-- sets it again (no change). On a cluster the renderer (clickhouse/render.ts) turns it into
-- replicated_deduplication_window with its seconds, which the Replicated tables created before the
-- renderer did so lack: there the non-replicated setting had no effect.

ALTER TABLE runs MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE steps MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE source_syncs MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE data_access_events MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE ingest_stats MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE ingest_requests MODIFY SETTING non_replicated_deduplication_window = 10000;
ALTER TABLE business_points MODIFY SETTING non_replicated_deduplication_window = 10000;
