-- Uploaded files (src/assets). The bytes live in the blob store under their SHA-256 (shared by
-- identical uploads); a row is one user's asset. Rows go with their owner; an asset outlives its
-- project (project_id becomes NULL) because other projects or the owner may still use it.
CREATE TABLE assets (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
  filename TEXT NOT NULL,       -- sanitised
  content_type TEXT NOT NULL,   -- sniffed from the bytes, never taken from the name
  size BIGINT NOT NULL,
  sha256 TEXT NOT NULL,         -- hex; the blob's key and the strong ETag
  status TEXT NOT NULL,         -- pending | ready | failed
  created_at BIGINT NOT NULL
);
CREATE INDEX assets_owner ON assets(owner_id, id);
CREATE INDEX assets_project ON assets(project_id, id);
CREATE INDEX assets_sha256 ON assets(sha256);
