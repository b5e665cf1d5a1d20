-- Collaborative documents (src/collab): each room's Yjs updates, appended in order before they
-- are relayed, so a restart loses nothing a client saw acknowledged. Updates are binary; the
-- storage layer has no blob type, so they are stored as unpadded base64url text. Compaction
-- replaces a room's rows up to some seq with one merged update at that seq. Rows go with their
-- project.
CREATE TABLE collab_updates (
  room TEXT NOT NULL,
  seq BIGINT NOT NULL,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  data TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (room, seq)
);
CREATE INDEX collab_updates_project ON collab_updates(project_id);
