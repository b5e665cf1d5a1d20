-- Collaboration: who is connected where (collab_sessions), room states saved with a project
-- version (collab_snapshots), and comment threads on a project (comments).
--
-- A session row lives while its connection does: the instance that holds the connection
-- refreshes expires_at on a heartbeat and deletes the row when the connection ends; rows of an
-- instance that died expire and are swept by any other.
CREATE TABLE collab_sessions (
  id TEXT PRIMARY KEY,
  room TEXT NOT NULL,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  instance_id TEXT NOT NULL,
  can_edit INTEGER NOT NULL,
  joined_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX collab_sessions_project ON collab_sessions(project_id, expires_at);
CREATE INDEX collab_sessions_instance ON collab_sessions(instance_id);
CREATE INDEX collab_sessions_expiry ON collab_sessions(expires_at);

-- The merged Yjs state of each room of a project when version `number` was saved (base64url,
-- like collab_updates). Goes with the version when history retention drops it.
CREATE TABLE collab_snapshots (
  project_id TEXT NOT NULL,
  number BIGINT NOT NULL,
  room TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (project_id, number, room),
  FOREIGN KEY (project_id, number) REFERENCES project_versions(project_id, number)
    ON DELETE CASCADE
);

-- Threads and replies. A thread's first comment has thread_id = its own id and carries the
-- anchor (JSON: {"nodeId"} or {"file","from","to"}) and the resolved state; replies point at it.
CREATE TABLE comments (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  thread_id TEXT NOT NULL,
  author_id TEXT REFERENCES users(id) ON DELETE SET NULL,
  body TEXT NOT NULL,
  anchor TEXT NOT NULL DEFAULT '',
  mentions TEXT NOT NULL DEFAULT '[]',
  resolved_at BIGINT,
  resolved_by TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX comments_threads ON comments(project_id, thread_id, id);
