-- Pending OAuth sign-ins: the `state` sent to the provider (stored as SHA-256, as it travels in
-- URLs), bound to its provider, PKCE verifier and the app URL to return to. A row is deleted when
-- its callback arrives, which makes every state single use; rows past expires_at are refused and
-- swept on the next sign-in. Kept server-side rather than signed into the state so that replay
-- can be refused.
CREATE TABLE oauth_states (
  state_hash TEXT PRIMARY KEY,
  provider TEXT NOT NULL,
  code_verifier TEXT NOT NULL,
  redirect TEXT NOT NULL DEFAULT '',
  expires_at BIGINT NOT NULL
);
CREATE INDEX oauth_states_expires ON oauth_states(expires_at);
