// The rules of projects: who may read or change what (object-level authorization lives here, not
// in the routes), version history with bounded retention, templates and collaborators.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "auth/service.h"
#include "events/bus.h"
#include "projects/store.h"

namespace od::projects {

struct ProjectsConfig {
  int keep_versions = 100;                    // history per project; older versions are dropped
  size_t max_design_bytes = 4 * 1024 * 1024;  // serialised designJson
  size_t max_code_bytes = 2 * 1024 * 1024;    // html + css + js together
};

// A create or partial update: unset fields are left as they are (or defaulted on create).
struct ProjectInput {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<bool> is_public;
  std::optional<bool> is_template;
  std::optional<std::vector<std::string>> tags;
  std::optional<nlohmann::json> design;
  std::optional<nlohmann::json> code;
  std::optional<std::string> from_template;  // create only: copy design and code from it
  std::optional<std::string> version_label;  // create only: of the first version ("created")
  std::optional<int64_t> expected_revision;  // update only: 409 when the project moved on
};

struct Visible {
  Project project;
  Access access;
};

using Caller = std::optional<auth::Principal>;

class ProjectsService {
 public:
  // With `events`, changes are announced on topic project:<id> (see announce()).
  ProjectsService(ProjectStore& store, auth::AuthService& accounts, ProjectsConfig config = {},
                  events::EventBus* events = nullptr);

  Visible create(const auth::Principal& caller, ProjectInput input);
  Visible get(const Caller& caller, const std::string& id);
  Visible update(const auth::Principal& caller, const std::string& id, ProjectInput input);
  void remove(const auth::Principal& caller, const std::string& id);
  std::vector<Visible> list(const Caller& caller, ListFilter filter);

  std::vector<Member> members(const Caller& caller, const std::string& id);
  Member add_member(const auth::Principal& caller, const std::string& id,
                    const std::string& user_id_or_email, const std::string& role);
  void remove_member(const auth::Principal& caller, const std::string& id,
                     const std::string& user_id);
  Visible transfer(const auth::Principal& caller, const std::string& id,
                   const std::string& new_owner_id);

  Version snapshot(const auth::Principal& caller, const std::string& id, const std::string& label);
  std::vector<Version> versions(const Caller& caller, const std::string& id, int64_t before_number,
                                int limit);
  Version version(const Caller& caller, const std::string& id, int64_t number);
  // What changed from version `from` to version `to` (0 = the current state).
  nlohmann::json diff(const Caller& caller, const std::string& id, int64_t from, int64_t to);
  // Makes version `number` current; recorded as a new version itself.
  Visible restore(const auth::Principal& caller, const std::string& id, int64_t number);

  // GDPR: everything a user owns, and its removal (their projects go with the account).
  std::vector<Project> owned_by(const std::string& user_id) { return store_.owned_by(user_id); }
  // (project id, membership) of every project the user collaborates on.
  std::vector<std::pair<std::string, Member>> memberships_of(const std::string& user_id) {
    return store_.memberships_of(user_id);
  }

 private:
  // The project and the caller's access, or 404 when the caller may not even know it exists.
  Visible load(const Caller& caller, const std::string& id);
  Visible require(const Caller& caller, const std::string& id, Access needed);
  void check_content(const ProjectInput& input) const;
  Version make_version(const Project& project, const std::string& created_by,
                       const std::string& label) const;
  // Tells subscribers of project:<id> what happened, after it is stored. Ids, numbers and field
  // names only, never design or code: clients refetch what they need (and are re-authorised).
  void announce(const std::string& id, const std::string& type, nlohmann::json data);

  ProjectStore& store_;
  auth::AuthService& accounts_;
  ProjectsConfig config_;
  events::EventBus* events_;
};

}  // namespace od::projects
