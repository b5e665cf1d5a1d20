-- Uploads in progress: resumable (tus) and presigned.
-- Resumable (tus 1.0) uploads in progress (src/assets/resumable.*). The bytes received so far are
-- a staging file on the instance that received them (its size is the upload's offset); a row is
-- what the client declared at creation, and when the upload expires. On the last byte the file is
-- verified and becomes an asset (asset_id set); abandoned rows and files are swept after expiry.
CREATE TABLE resumable_uploads (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
  filename TEXT NOT NULL,
  declared_type TEXT NOT NULL,
  length BIGINT NOT NULL,
  asset_id TEXT,                -- set once complete
  expires_at BIGINT NOT NULL,   -- unix ms
  created_at BIGINT NOT NULL
);
CREATE INDEX resumable_uploads_expires ON resumable_uploads(expires_at);

-- Presigned uploads (src/assets/presigned.*): an asset id and a signed URL handed out for exactly
-- one upload of a declared size and type. The bytes wait in a staging file until the client
-- calls complete, which verifies them and creates the asset under that id; until then nothing is
-- listed. Rows past their expiry (plus a grace period to complete) are swept with their files.
CREATE TABLE presigned_uploads (
  id TEXT PRIMARY KEY,          -- the asset's id once complete
  owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
  filename TEXT NOT NULL,
  declared_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  state TEXT NOT NULL,          -- issued | receiving | received
  expires_at BIGINT NOT NULL,   -- unix ms: the URL's expiry
  created_at BIGINT NOT NULL
);
CREATE INDEX presigned_uploads_expires ON presigned_uploads(expires_at);
