-- AI usage accounting (issue 3, "AI providers"): one row per attempt of a provider-backed job,
-- whatever its outcome, so users see what they spent and admins see who spends what. `day` is the
-- UTC date of created_at (YYYY-MM-DD), kept as text so both databases group by it alike.
-- job_id is not a foreign key: usage outlives the job rows (cleanup, cancellation), not the user.
CREATE TABLE ai_usage (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  job_id TEXT NOT NULL,
  job_type TEXT NOT NULL,
  model TEXT NOT NULL,
  attempt INTEGER NOT NULL,                   -- the job's attempt number (1-based)
  requests INTEGER NOT NULL DEFAULT 0,        -- HTTP requests to the provider, retries included
  prompt_tokens BIGINT NOT NULL DEFAULT 0,
  completion_tokens BIGINT NOT NULL DEFAULT 0,
  wall_ms BIGINT NOT NULL DEFAULT 0,
  outcome TEXT NOT NULL,                      -- succeeded | failed | canceled
  error_code TEXT,
  day TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
-- A user's usage in a time window, and the recent jobs list (newest job first).
CREATE INDEX ai_usage_user ON ai_usage(user_id, created_at);
CREATE INDEX ai_usage_user_job ON ai_usage(user_id, job_id);
-- The admins' aggregate over a window.
CREATE INDEX ai_usage_created ON ai_usage(created_at);
