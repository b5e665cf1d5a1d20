-- Accounts: users, refresh-token families, one-time tokens (email verification, password reset),
-- OAuth identities and the security audit log. Portable SQL (see src/db/database.h).
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,            -- stored lowercased
  password_hash TEXT,                    -- NULL for accounts that only sign in through OAuth
  display_name TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL DEFAULT 'user',     -- user | designer | admin
  email_verified INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);

-- Opaque refresh tokens, stored as SHA-256. A family is one sign-in; rotating a token marks it
-- replaced; presenting a replaced token after the grace window revokes the whole family.
CREATE TABLE refresh_tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  family_id TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  replaced_at BIGINT,
  replaced_by TEXT,
  -- The successor token sealed with a key derived from this token, kept for the grace window so
  -- a concurrent refresh with this token gets the same successor (two tabs, one rotation).
  successor_sealed TEXT,
  revoked_at BIGINT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens(family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens(user_id);

-- Single-use, expiring tokens sent by mail (email verification, password reset), stored hashed.
CREATE TABLE one_time_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL,                 -- verify_email | reset_password
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);

-- Sign-in identities at OAuth providers, linked to a local user.
CREATE TABLE oauth_identities (
  provider TEXT NOT NULL,
  subject TEXT NOT NULL,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  email TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  PRIMARY KEY (provider, subject)
);

CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  at BIGINT NOT NULL,
  event TEXT NOT NULL,                   -- login | login_failed | role_changed | token_reuse | ...
  actor_id TEXT,
  subject_id TEXT,
  ip TEXT NOT NULL DEFAULT '',
  details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log(at);
