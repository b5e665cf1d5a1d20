-- The durable job queue (issue 3). One row per job; workers claim queued rows with a lease that
-- they extend by heartbeats, so a crashed worker's job returns to the queue when its lease ends.
-- event_seq counts the job's visible changes: it is the SSE event id, so a client resuming with
-- Last-Event-ID knows whether it has seen the latest state.
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  project_id TEXT,
  input TEXT NOT NULL,                   -- JSON
  input_hash TEXT NOT NULL,              -- SHA-256 hex of (type, normalised input), for dedup
  idempotency_key TEXT,
  status TEXT NOT NULL,                  -- queued | running | done | failed | canceled
  priority INTEGER NOT NULL DEFAULT 0,   -- -10..10, higher first
  run_after BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 3,
  lease_owner TEXT,
  lease_expires_at BIGINT,
  heartbeat_at BIGINT,
  progress INTEGER NOT NULL DEFAULT 0,   -- 0..100
  progress_message TEXT NOT NULL DEFAULT '',
  result TEXT,                           -- JSON
  error_code TEXT,
  error_message TEXT,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  event_seq BIGINT NOT NULL DEFAULT 1,
  created_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT
);
-- Claiming: the queued jobs in priority order.
CREATE INDEX jobs_claim ON jobs(status, priority DESC, run_after, id);
-- Listing a user's jobs, newest first.
CREATE INDEX jobs_owner ON jobs(owner_id, id);
-- Counting a user's jobs in flight.
CREATE INDEX jobs_owner_status ON jobs(owner_id, status);
-- Finding a done job with the same input for deduplication.
CREATE INDEX jobs_dedupe ON jobs(owner_id, input_hash, status);
-- Requeueing expired leases.
CREATE INDEX jobs_lease ON jobs(status, lease_expires_at);
CREATE UNIQUE INDEX jobs_idempotency ON jobs(owner_id, idempotency_key)
  WHERE idempotency_key IS NOT NULL;
