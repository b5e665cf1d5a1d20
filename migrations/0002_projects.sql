-- Projects with collaborators and version history.
CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  is_public INTEGER NOT NULL DEFAULT 0,
  is_template INTEGER NOT NULL DEFAULT 0,
  tags TEXT NOT NULL DEFAULT '[]',        -- JSON array, mirrored in project_tags for filtering
  design_json TEXT NOT NULL DEFAULT '{}',
  code TEXT NOT NULL DEFAULT '{}',        -- JSON {html, css, js, framework}
  revision BIGINT NOT NULL DEFAULT 1,     -- bumped on every update; the ETag of the project
  last_version BIGINT NOT NULL DEFAULT 0, -- counter that numbers versions (a row lock serialises it)
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX projects_owner ON projects(owner_id, id);
CREATE INDEX projects_public ON projects(is_public, id);

CREATE TABLE project_tags (
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (project_id, tag)
);
CREATE INDEX project_tags_tag ON project_tags(tag, project_id);

CREATE TABLE project_members (
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL,                     -- editor | viewer
  added_at BIGINT NOT NULL,
  PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_members_user ON project_members(user_id, project_id);

CREATE TABLE project_versions (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  number BIGINT NOT NULL,
  label TEXT NOT NULL DEFAULT '',
  design_json TEXT NOT NULL,
  code TEXT NOT NULL,
  created_by TEXT,
  created_at BIGINT NOT NULL,
  UNIQUE (project_id, number)
);
