// The projects module's SQL: projects, their tags, members and versions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/database.h"
#include "projects/project.h"

namespace od::projects {

class ProjectStore {
 public:
  explicit ProjectStore(db::Database& db) : db_(db) {}

  // Inserts the project, its tags and its first version in one transaction. Versions are
  // numbered by the store: `number` is filled in.
  void insert(const Project& project, Version& first_version);
  std::optional<Project> find(const std::string& id);
  // Replaces the project's fields (and tags) if its revision is still `expected_revision`;
  // when `version` is set, records it and trims history to `keep_versions`. False when the
  // project changed (or vanished) meanwhile.
  bool update(const Project& project, int64_t expected_revision, Version* version,
              int keep_versions);
  bool remove(const std::string& id);
  std::vector<Project> list(const ListFilter& filter);

  // The member's role, or "" when the user is not a member.
  std::string member_role(const std::string& project_id, const std::string& user_id);
  std::vector<Member> members(const std::string& project_id);
  void upsert_member(const std::string& project_id, const Member& member);
  bool remove_member(const std::string& project_id, const std::string& user_id);
  // Makes `new_owner` the owner; the previous owner stays on as an editor.
  void transfer(const std::string& project_id, const std::string& old_owner,
                const std::string& new_owner, int64_t now);

  std::vector<Version> versions(const std::string& project_id, int64_t before_number, int limit);
  std::optional<Version> version(const std::string& project_id, int64_t number);
  void insert_version(Version& version, int keep_versions);

  // Every project a user owns, for export and deletion.
  std::vector<Project> owned_by(const std::string& user_id);
  // The projects a user is a member of (not owner): (project id, membership).
  std::vector<std::pair<std::string, Member>> memberships_of(const std::string& user_id);

 private:
  db::Database& db_;
};

}  // namespace od::projects
