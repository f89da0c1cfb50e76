-- One-time setup links for the first admin when no PLUMBLINE_ADMIN_* is set (never a default password).
-- Only the SHA-256 of the token is stored; using it appends a row with used = 1 (newest wins).

-- cluster: replicated
CREATE TABLE IF NOT EXISTS setup_tokens
(
    token_hash String,
    expires_at DateTime64(3, 'UTC'),
    used UInt8 DEFAULT 0,
    used_by String DEFAULT '',
    updated_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY token_hash;
