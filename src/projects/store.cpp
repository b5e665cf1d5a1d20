#include "projects/store.h"

namespace od::projects {
namespace {

constexpr const char* kColumns =
    "p.id, p.owner_id, p.title, p.description, p.is_public, p.is_template, p.tags, "
    "p.design_json, p.code, p.revision, p.created_at, p.updated_at";

nlohmann::json parse_stored(const std::string& text) {
  auto value = nlohmann::json::parse(text, nullptr, false);
  return value.is_discarded() ? nlohmann::json::object() : value;
}

Project project_from_row(const db::Row& row) {
  Project p;
  p.id = row.text(0);
  p.owner_id = row.text(1);
  p.title = row.text(2);
  p.description = row.text(3);
  p.is_public = row.boolean(4);
  p.is_template = row.boolean(5);
  p.tags = parse_stored(row.text(6)).get<std::vector<std::string>>();
  p.design = parse_stored(row.text(7));
  p.code = parse_stored(row.text(8));
  p.revision = row.integer(9);
  p.created_at = row.integer(10);
  p.updated_at = row.integer(11);
  return p;
}

Version version_from_row(const db::Row& row) {
  Version v;
  v.id = row.text(0);
  v.project_id = row.text(1);
  v.number = row.integer(2);
  v.label = row.text(3);
  v.design = parse_stored(row.text(4));
  v.code = parse_stored(row.text(5));
  v.created_by = row.text(6);
  v.created_at = row.integer(7);
  return v;
}

void write_tags(db::Session& s, const Project& p) {
  s.exec("DELETE FROM project_tags WHERE project_id = $1", {p.id});
  for (const auto& tag : p.tags) {
    s.exec("INSERT INTO project_tags (project_id, tag) VALUES ($1, $2) ON CONFLICT DO NOTHING",
           {p.id, tag});
  }
}

// Numbers the version from the project's counter (the UPDATE's row lock serialises concurrent
// snapshots on PostgreSQL; SQLite has a single writer) and stores it.
void write_version(db::Session& s, Version& v, int keep_versions) {
  auto counter = s.exec(
      "UPDATE projects SET last_version = last_version + 1 WHERE id = $1 RETURNING last_version",
      {v.project_id});
  v.number = counter.rows.front().integer(0);
  s.exec(
      "INSERT INTO project_versions (id, project_id, number, label, design_json, code, "
      "created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {v.id, v.project_id, v.number, v.label, v.design.dump(), v.code.dump(),
       v.created_by.empty() ? db::Param(nullptr) : db::Param(v.created_by), v.created_at});
  // Bounded history: the oldest versions beyond the retention count go.
  s.exec("DELETE FROM project_versions WHERE project_id = $1 AND number <= $2",
         {v.project_id, v.number - keep_versions});
}

std::string like_pattern(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out + "%";
}

}  // namespace

void ProjectStore::insert(const Project& p, Version& first_version) {
  db_.transaction([&](db::Session& s) {
    s.exec(
        "INSERT INTO projects (id, owner_id, title, description, is_public, is_template, tags, "
        "design_json, code, revision, created_at, updated_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        {p.id, p.owner_id, p.title, p.description, p.is_public, p.is_template,
         nlohmann::json(p.tags).dump(), p.design.dump(), p.code.dump(), p.revision, p.created_at,
         p.updated_at});
    write_tags(s, p);
    write_version(s, first_version, 1 << 30);
  });
}

std::optional<Project> ProjectStore::find(const std::string& id) {
  auto result =
      db_.query(std::string("SELECT ") + kColumns + " FROM projects p WHERE p.id = $1", {id});
  if (result.empty()) return std::nullopt;
  return project_from_row(result.rows.front());
}

bool ProjectStore::update(const Project& p, int64_t expected_revision, Version* version,
                          int keep_versions) {
  bool updated = false;
  db_.transaction([&](db::Session& s) {
    auto result = s.exec(
        "UPDATE projects SET title = $2, description = $3, is_public = $4, is_template = $5, "
        "tags = $6, design_json = $7, code = $8, revision = $9, updated_at = $10 "
        "WHERE id = $1 AND revision = $11",
        {p.id, p.title, p.description, p.is_public, p.is_template, nlohmann::json(p.tags).dump(),
         p.design.dump(), p.code.dump(), p.revision, p.updated_at, expected_revision});
    if (result.affected_rows == 0) return;
    write_tags(s, p);
    if (version) write_version(s, *version, keep_versions);
    updated = true;
  });
  return updated;
}

bool ProjectStore::remove(const std::string& id) {
  return db_.execute("DELETE FROM projects WHERE id = $1", {id}).affected_rows > 0;
}

std::vector<Project> ProjectStore::list(const ListFilter& f) {
  // Only the filters in use become clauses; `arg` numbers each value as it is bound.
  db::Params params;
  auto arg = [&params](db::Param value) {
    params.push_back(std::move(value));
    return "$" + std::to_string(params.size());
  };
  std::string where;
  if (f.scope == "public") {
    where = "p.is_public = 1";
  } else if (f.scope == "all" && f.viewer_is_admin) {
    where = "1 = 1";
  } else {
    std::string viewer = arg(f.viewer_id);
    where =
        "(p.owner_id = " + viewer +
        " OR EXISTS (SELECT 1 FROM project_members m WHERE m.project_id = p.id AND m.user_id = " +
        viewer + ")" + (f.scope == "all" ? " OR p.is_public = 1)" : ")");
  }
  if (!f.owner_id.empty()) where += " AND p.owner_id = " + arg(f.owner_id);
  if (!f.tag.empty()) {
    where += " AND EXISTS (SELECT 1 FROM project_tags t WHERE t.project_id = p.id AND t.tag = " +
             arg(f.tag) + ")";
  }
  if (!f.text.empty()) {
    std::string pattern = arg(like_pattern(f.text));
    where += " AND (lower(p.title) LIKE " + pattern + " ESCAPE '\\' OR lower(p.description) LIKE " +
             pattern + " ESCAPE '\\')";
  }
  if (f.template_flag >= 0) where += " AND p.is_template = " + arg(f.template_flag);
  if (!f.before_id.empty()) where += " AND p.id < " + arg(f.before_id);
  std::string sql = std::string("SELECT ") + kColumns + " FROM projects p WHERE " + where +
                    " ORDER BY p.id DESC LIMIT " + arg(f.limit);
  auto result = db_.query(sql, params);
  std::vector<Project> out;
  for (const auto& row : result.rows) out.push_back(project_from_row(row));
  return out;
}

std::string ProjectStore::member_role(const std::string& project_id, const std::string& user_id) {
  auto result = db_.query("SELECT role FROM project_members WHERE project_id = $1 AND user_id = $2",
                          {project_id, user_id});
  return result.empty() ? "" : result.rows.front().text(0);
}

std::vector<Member> ProjectStore::members(const std::string& project_id) {
  auto result = db_.query(
      "SELECT user_id, role, added_at FROM project_members WHERE project_id = $1 "
      "ORDER BY added_at, user_id",
      {project_id});
  std::vector<Member> out;
  for (const auto& row : result.rows) out.push_back({row.text(0), row.text(1), row.integer(2)});
  return out;
}

void ProjectStore::upsert_member(const std::string& project_id, const Member& m) {
  db_.execute(
      "INSERT INTO project_members (project_id, user_id, role, added_at) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role",
      {project_id, m.user_id, m.role, m.added_at});
}

bool ProjectStore::remove_member(const std::string& project_id, const std::string& user_id) {
  return db_.execute("DELETE FROM project_members WHERE project_id = $1 AND user_id = $2",
                     {project_id, user_id})
             .affected_rows > 0;
}

void ProjectStore::transfer(const std::string& project_id, const std::string& old_owner,
                            const std::string& new_owner, int64_t now) {
  db_.transaction([&](db::Session& s) {
    s.exec("UPDATE projects SET owner_id = $2, updated_at = $3 WHERE id = $1",
           {project_id, new_owner, now});
    s.exec("DELETE FROM project_members WHERE project_id = $1 AND user_id = $2",
           {project_id, new_owner});
    s.exec(
        "INSERT INTO project_members (project_id, user_id, role, added_at) "
        "VALUES ($1, $2, 'editor', $3) ON CONFLICT (project_id, user_id) DO NOTHING",
        {project_id, old_owner, now});
  });
}

std::vector<Version> ProjectStore::versions(const std::string& project_id, int64_t before_number,
                                            int limit) {
  auto result = db_.query(
      "SELECT id, project_id, number, label, design_json, code, created_by, created_at "
      "FROM project_versions WHERE project_id = $1 AND number < $2 ORDER BY number DESC LIMIT $3",
      {project_id, before_number, limit});
  std::vector<Version> out;
  for (const auto& row : result.rows) out.push_back(version_from_row(row));
  return out;
}

std::optional<Version> ProjectStore::version(const std::string& project_id, int64_t number) {
  auto result = db_.query(
      "SELECT id, project_id, number, label, design_json, code, created_by, created_at "
      "FROM project_versions WHERE project_id = $1 AND number = $2",
      {project_id, number});
  if (result.empty()) return std::nullopt;
  return version_from_row(result.rows.front());
}

void ProjectStore::insert_version(Version& version, int keep_versions) {
  db_.transaction([&](db::Session& s) { write_version(s, version, keep_versions); });
}

std::vector<Project> ProjectStore::owned_by(const std::string& user_id) {
  auto result = db_.query(
      std::string("SELECT ") + kColumns + " FROM projects p WHERE p.owner_id = $1 ORDER BY p.id",
      {user_id});
  std::vector<Project> out;
  for (const auto& row : result.rows) out.push_back(project_from_row(row));
  return out;
}

std::vector<std::pair<std::string, Member>> ProjectStore::memberships_of(
    const std::string& user_id) {
  auto result = db_.query(
      "SELECT project_id, role, added_at FROM project_members WHERE user_id = $1 "
      "ORDER BY project_id",
      {user_id});
  std::vector<std::pair<std::string, Member>> out;
  for (const auto& row : result.rows) {
    out.emplace_back(row.text(0), Member{user_id, row.text(1), row.integer(2)});
  }
  return out;
}

}  // namespace od::projects
