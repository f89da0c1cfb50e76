-- Sign-out, a password change, a role change and removal end the sessions a person already has
-- (issue 24). Sessions are signed JWTs the server does not keep, so each one carries the number of
-- rows here for its user when it was issued, and a request whose number is behind is refused.
-- Append-only: a row is never changed, so two revocations at once cannot undo each other.

-- cluster: replicated
CREATE TABLE IF NOT EXISTS session_revocations
(
    user_id String,
    revoked_at DateTime64(3, 'UTC') DEFAULT now64(3),
    reason LowCardinality(String) COMMENT 'sign-out, password, role, removed, disabled'
)
ENGINE = MergeTree
ORDER BY (user_id, revoked_at);
