-- Webhooks and external workers (issue 3).
--
-- A job may name a webhook URL. When it reaches a final state a delivery row is written for it
-- (webhook_queued marks that this happened, so a crash between the two is caught up by the
-- dispatcher's sweep); the delivery is then POSTed, retried with backoff, every attempt recorded.
ALTER TABLE jobs ADD COLUMN webhook_url TEXT;
ALTER TABLE jobs ADD COLUMN webhook_queued INTEGER NOT NULL DEFAULT 0;
-- Final jobs whose webhook delivery is not yet written: the sweep's work list, kept tiny.
CREATE INDEX jobs_webhook_unqueued ON jobs(status)
  WHERE webhook_url IS NOT NULL AND webhook_queued = 0;

-- The per-user key that signs webhook bodies (shown to its user, replaced on rotation).
CREATE TABLE webhook_secrets (
  user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  secret TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL UNIQUE REFERENCES jobs(id) ON DELETE CASCADE,
  owner_id TEXT NOT NULL,
  url TEXT NOT NULL,
  event TEXT NOT NULL,                 -- job.completed | job.failed | job.canceled
  payload TEXT NOT NULL,               -- the JSON body, fixed when the delivery is written
  status TEXT NOT NULL,                -- pending | delivered | failed
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  lease_until BIGINT NOT NULL DEFAULT 0,  -- a sender owns the delivery until then
  created_at BIGINT NOT NULL,
  finished_at BIGINT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(status, next_attempt_at);

CREATE TABLE webhook_attempts (
  delivery_id TEXT NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  at BIGINT NOT NULL,
  status_code INTEGER,                 -- NULL when no HTTP answer came
  error TEXT,
  duration_ms BIGINT NOT NULL,
  PRIMARY KEY (delivery_id, attempt)
);

-- External workers: services that lease jobs of their types over HTTP. The token is never
-- stored: token_salt lets the server re-derive it from its own secret (to check callback
-- signatures keyed by it) and token_hash checks a presented bearer token.
CREATE TABLE external_workers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  types TEXT NOT NULL,                 -- JSON array of job types
  token_salt TEXT NOT NULL,
  token_hash TEXT NOT NULL,
  created_by TEXT,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT,
  revoked_at BIGINT
);
