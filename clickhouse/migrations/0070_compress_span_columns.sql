-- Storage codecs for the span tables (issue 5: ≤ 35 bytes per stored span). The server default, LZ4,
-- has no entropy coding, so a random hex id (16 characters, 8 bytes of information) stays ~12 bytes.
-- ZSTD codes hex at ~4 bits a character and collapses ids repeated within a run (trace, run, parent).
-- Start times are sorted within a run: DoubleDelta first. Existing parts keep their codec until merged.
-- Only the byte layout on disk changes; no query, row or result does.

ALTER TABLE steps
    MODIFY COLUMN run_id CODEC(ZSTD(1)),
    MODIFY COLUMN trace_id CODEC(ZSTD(1)),
    MODIFY COLUMN span_id CODEC(ZSTD(1)),
    MODIFY COLUMN parent_span_id CODEC(ZSTD(1)),
    MODIFY COLUMN start_time CODEC(DoubleDelta, ZSTD(1)),
    MODIFY COLUMN end_time CODEC(Delta, ZSTD(1)),
    MODIFY COLUMN human_minutes CODEC(ZSTD(1)),
    MODIFY COLUMN resource CODEC(ZSTD(1)),
    MODIFY COLUMN input_tokens CODEC(T64, ZSTD(1)),
    MODIFY COLUMN output_tokens CODEC(T64, ZSTD(1)),
    MODIFY COLUMN output_id CODEC(ZSTD(1)),
    MODIFY COLUMN review_output_id CODEC(ZSTD(1)),
    MODIFY COLUMN import_id CODEC(ZSTD(1)),
    MODIFY COLUMN ingested_at CODEC(Delta, ZSTD(1));

ALTER TABLE runs
    MODIFY COLUMN run_id CODEC(ZSTD(1)),
    MODIFY COLUMN trace_id CODEC(ZSTD(1)),
    MODIFY COLUMN span_id CODEC(ZSTD(1)),
    MODIFY COLUMN start_time CODEC(DoubleDelta, ZSTD(1)),
    MODIFY COLUMN end_time CODEC(Delta, ZSTD(1)),
    MODIFY COLUMN subject_hash CODEC(ZSTD(1)),
    MODIFY COLUMN human_minutes CODEC(ZSTD(1)),
    MODIFY COLUMN import_id CODEC(ZSTD(1)),
    MODIFY COLUMN ingested_at CODEC(Delta, ZSTD(1));
