#include "projects/service.h"

#include <map>
#include <sstream>

#include "core/error.h"
#include "core/ids.h"
#include "core/time.h"
#include "events/topics.h"

namespace od::projects {
namespace {

bool is_member_role(const std::string& role) { return role == "editor" || role == "viewer"; }

// Line-level change counts between two texts, as multisets of lines: cheap on large files and
// good enough for a summary (a moved line counts as unchanged).
nlohmann::json text_change(const std::string& a, const std::string& b) {
  std::map<std::string, int> lines;
  auto count = [&](const std::string& text, int sign) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines[line] += sign;
  };
  count(a, -1);
  count(b, +1);
  int added = 0, removed = 0;
  for (const auto& [line, n] : lines) (n > 0 ? added : removed) += std::abs(n);
  return {{"changed", a != b}, {"linesAdded", added}, {"linesRemoved", removed}};
}

std::string code_text(const nlohmann::json& code, const char* key) {
  auto it = code.find(key);
  return it != code.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

ProjectsService::ProjectsService(ProjectStore& store, auth::AuthService& accounts,
                                 ProjectsConfig config, events::EventBus* events)
    : store_(store), accounts_(accounts), config_(config), events_(events) {}

void ProjectsService::announce(const std::string& id, const std::string& type,
                               nlohmann::json data) {
  if (events_) events_->publish({events::project_topic(id), type, std::move(data), "", 0});
}

Visible ProjectsService::load(const Caller& caller, const std::string& id) {
  if (!is_valid_id(id)) throw not_found("project");
  auto project = store_.find(id);
  if (!project) throw not_found("project");
  Access access = project->is_public ? Access::Public : Access::None;
  if (caller) {
    if (caller->is_admin()) {
      access = Access::Admin;
    } else if (project->owner_id == caller->user_id) {
      access = Access::Owner;
    } else {
      std::string role = store_.member_role(id, caller->user_id);
      if (role == "editor") access = Access::Editor;
      if (role == "viewer") access = Access::Viewer;
    }
  }
  // A stranger learns nothing, not even that the project exists.
  if (access == Access::None) throw not_found("project");
  return {std::move(*project), access};
}

Visible ProjectsService::require(const Caller& caller, const std::string& id, Access needed) {
  Visible visible = load(caller, id);
  if (visible.access < needed) {
    throw forbidden(std::string("This needs ") + access_name(needed) +
                    " access to the project; you have " + access_name(visible.access) + ".");
  }
  return visible;
}

void ProjectsService::check_content(const ProjectInput& input) const {
  if (input.design) {
    if (!input.design->is_object()) {
      throw validation_error("Field 'designJson' must be a JSON object.",
                             {{"field", "/designJson"}});
    }
    if (input.design->dump().size() > config_.max_design_bytes) {
      throw payload_too_large("designJson is larger than " +
                              std::to_string(config_.max_design_bytes) + " bytes.");
    }
  }
  if (input.code) {
    size_t total = 0;
    for (const char* key : {"html", "css", "js"}) total += code_text(*input.code, key).size();
    if (total > config_.max_code_bytes) {
      throw payload_too_large("code is larger than " + std::to_string(config_.max_code_bytes) +
                              " bytes.");
    }
  }
}

Version ProjectsService::make_version(const Project& project, const std::string& created_by,
                                      const std::string& label) const {
  Version v;
  v.id = new_id();
  v.project_id = project.id;
  v.label = label;
  v.design = project.design;
  v.code = project.code;
  v.created_by = created_by;
  v.created_at = now_ms();
  return v;
}

Visible ProjectsService::create(const auth::Principal& caller, ProjectInput input) {
  check_content(input);
  // An access token outlives a deleted account by up to its TTL; the insert would break a
  // foreign key.
  if (!accounts_.exists(caller.user_id)) throw unauthorized("This account no longer exists.");
  Project p;
  if (input.from_template) {
    Visible tpl = load(caller, *input.from_template);
    if (!tpl.project.is_template) {
      throw validation_error("Field 'fromTemplate' must name a template project.",
                             {{"field", "/fromTemplate"}});
    }
    p.design = tpl.project.design;
    p.code = tpl.project.code;
    p.tags = tpl.project.tags;
    p.description = tpl.project.description;
    p.title = tpl.project.title;
  }
  p.id = new_id();
  p.owner_id = caller.user_id;
  if (input.title) p.title = *input.title;
  if (p.title.empty()) throw validation_error("Field 'title' is required.", {{"field", "/title"}});
  if (input.description) p.description = *input.description;
  p.is_public = input.is_public.value_or(false);
  p.is_template = input.is_template.value_or(false);
  if (input.tags) p.tags = *input.tags;
  if (input.design) p.design = *input.design;
  if (input.code) p.code = *input.code;
  p.created_at = p.updated_at = now_ms();
  Version first = make_version(p, caller.user_id, input.version_label.value_or("created"));
  store_.insert(p, first);
  return {std::move(p), Access::Owner};
}

Visible ProjectsService::get(const Caller& caller, const std::string& id) {
  return load(caller, id);
}

Visible ProjectsService::update(const auth::Principal& caller, const std::string& id,
                                ProjectInput input) {
  check_content(input);
  bool owner_fields = input.is_public || input.is_template;
  Visible v = require(caller, id, owner_fields ? Access::Owner : Access::Editor);
  if (input.expected_revision && *input.expected_revision != v.project.revision) {
    throw ApiError(409, "revision_conflict",
                   "The project changed since revision " +
                       std::to_string(*input.expected_revision) + "; reload it.",
                   {{"currentRevision", v.project.revision}});
  }
  Project& p = v.project;
  int64_t expected = p.revision;
  bool content_changed =
      (input.design && *input.design != p.design) || (input.code && *input.code != p.code);
  std::vector<std::string> changed;
  auto note = [&changed](const char* field, bool differs) {
    if (differs) changed.push_back(field);
  };
  note("title", input.title && *input.title != p.title);
  note("description", input.description && *input.description != p.description);
  note("isPublic", input.is_public && *input.is_public != p.is_public);
  note("isTemplate", input.is_template && *input.is_template != p.is_template);
  note("tags", input.tags && *input.tags != p.tags);
  note("designJson", input.design && *input.design != p.design);
  note("code", input.code && *input.code != p.code);
  if (input.title) p.title = *input.title;
  if (input.description) p.description = *input.description;
  if (input.is_public) p.is_public = *input.is_public;
  if (input.is_template) p.is_template = *input.is_template;
  if (input.tags) p.tags = *input.tags;
  if (input.design) p.design = *input.design;
  if (input.code) p.code = *input.code;
  p.revision = expected + 1;
  p.updated_at = now_ms();
  std::optional<Version> version;
  if (content_changed) version = make_version(p, caller.user_id, "");
  if (!store_.update(p, expected, version ? &*version : nullptr, config_.keep_versions)) {
    throw ApiError(409, "revision_conflict", "The project changed meanwhile; reload it.");
  }
  announce(id, "project.updated",
           {{"revision", p.revision},
            {"updatedAt", rfc3339(p.updated_at)},
            {"changed", changed},
            {"updatedBy", caller.user_id}});
  if (version) announce(id, "project.version_created", {{"number", version->number}});
  return v;
}

void ProjectsService::remove(const auth::Principal& caller, const std::string& id) {
  require(caller, id, Access::Owner);
  store_.remove(id);
  announce(id, "project.deleted", {{"deletedBy", caller.user_id}});
}

std::vector<Visible> ProjectsService::list(const Caller& caller, ListFilter filter) {
  if (!caller) {
    filter.scope = "public";
  } else {
    filter.viewer_id = caller->user_id;
    filter.viewer_is_admin = caller->is_admin();
  }
  std::vector<Visible> out;
  for (auto& p : store_.list(filter)) {
    Access access = Access::Public;
    if (caller && caller->is_admin()) {
      access = Access::Admin;
    } else if (caller && p.owner_id == caller->user_id) {
      access = Access::Owner;
    } else if (caller && !p.is_public) {
      access =
          store_.member_role(p.id, caller->user_id) == "editor" ? Access::Editor : Access::Viewer;
    }
    out.push_back({std::move(p), access});
  }
  return out;
}

std::vector<Member> ProjectsService::members(const Caller& caller, const std::string& id) {
  require(caller, id, Access::Viewer);
  return store_.members(id);
}

Member ProjectsService::add_member(const auth::Principal& caller, const std::string& id,
                                   const std::string& user_id_or_email, const std::string& role) {
  Visible v = require(caller, id, Access::Owner);
  if (!is_member_role(role)) {
    throw validation_error("Field 'role' must be editor or viewer.", {{"field", "/role"}});
  }
  std::string user_id = user_id_or_email;
  if (user_id_or_email.find('@') != std::string::npos) {
    auto user = accounts_.find_by_email(user_id_or_email);
    if (!user) throw not_found("user");
    user_id = user->id;
  } else if (!is_valid_id(user_id) || !accounts_.exists(user_id)) {
    throw not_found("user");
  }
  if (user_id == v.project.owner_id) {
    throw conflict("already_owner", "That user owns the project.");
  }
  Member m{user_id, role, now_ms()};
  store_.upsert_member(id, m);
  announce(id, "project.member_changed",
           {{"userId", user_id}, {"role", role}, {"changedBy", caller.user_id}});
  return m;
}

void ProjectsService::remove_member(const auth::Principal& caller, const std::string& id,
                                    const std::string& user_id) {
  // Members may leave on their own; removing someone else takes the owner.
  require(caller, id, caller.user_id == user_id ? Access::Viewer : Access::Owner);
  if (!store_.remove_member(id, user_id)) throw not_found("member");
  announce(id, "project.member_changed",
           {{"userId", user_id}, {"role", nullptr}, {"changedBy", caller.user_id}});
}

Visible ProjectsService::transfer(const auth::Principal& caller, const std::string& id,
                                  const std::string& new_owner_id) {
  Visible v = require(caller, id, Access::Owner);
  if (!is_valid_id(new_owner_id) || !accounts_.exists(new_owner_id)) throw not_found("user");
  if (new_owner_id == v.project.owner_id) return v;
  store_.transfer(id, v.project.owner_id, new_owner_id, now_ms());
  announce(id, "project.transferred",
           {{"from", v.project.owner_id}, {"to", new_owner_id}, {"by", caller.user_id}});
  return load(caller, id);
}

Version ProjectsService::snapshot(const auth::Principal& caller, const std::string& id,
                                  const std::string& label) {
  Visible v = require(caller, id, Access::Editor);
  Version version = make_version(v.project, caller.user_id, label);
  store_.insert_version(version, config_.keep_versions);
  announce(id, "project.version_created", {{"number", version.number}});
  return version;
}

std::vector<Version> ProjectsService::versions(const Caller& caller, const std::string& id,
                                               int64_t before_number, int limit) {
  require(caller, id, Access::Public);
  return store_.versions(id, before_number, limit);
}

Version ProjectsService::version(const Caller& caller, const std::string& id, int64_t number) {
  require(caller, id, Access::Public);
  auto v = store_.version(id, number);
  if (!v) throw not_found("version");
  return *v;
}

nlohmann::json ProjectsService::diff(const Caller& caller, const std::string& id, int64_t from,
                                     int64_t to) {
  Visible current = require(caller, id, Access::Public);
  auto state = [&](int64_t number) -> std::pair<nlohmann::json, nlohmann::json> {
    if (number == 0) return {current.project.design, current.project.code};
    auto v = store_.version(id, number);
    if (!v) throw not_found("version " + std::to_string(number));
    return {v->design, v->code};
  };
  auto [design_a, code_a] = state(from);
  auto [design_b, code_b] = state(to);
  nlohmann::json patch = nlohmann::json::diff(design_a, design_b);
  nlohmann::json counts = {{"add", 0}, {"remove", 0}, {"replace", 0}};
  nlohmann::json paths = nlohmann::json::array();
  for (const auto& op : patch) {
    std::string kind = op.value("op", "");
    if (counts.contains(kind)) counts[kind] = counts[kind].get<int>() + 1;
    if (paths.size() < 50) paths.push_back(op.value("path", ""));
  }
  nlohmann::json code = nlohmann::json::object();
  for (const char* key : {"html", "css", "js"}) {
    code[key] = text_change(code_text(code_a, key), code_text(code_b, key));
  }
  code["framework"] = {{"from", code_a.value("framework", "")},
                       {"to", code_b.value("framework", "")}};
  return {{"from", from == 0 ? nlohmann::json("current") : nlohmann::json(from)},
          {"to", to == 0 ? nlohmann::json("current") : nlohmann::json(to)},
          {"design",
           {{"changed", !patch.empty()},
            {"operations", patch.size()},
            {"added", counts["add"]},
            {"removed", counts["remove"]},
            {"replaced", counts["replace"]},
            {"paths", paths}}},
          {"code", code}};
}

Visible ProjectsService::restore(const auth::Principal& caller, const std::string& id,
                                 int64_t number) {
  Visible v = require(caller, id, Access::Editor);
  auto old = store_.version(id, number);
  if (!old) throw not_found("version");
  Project& p = v.project;
  int64_t expected = p.revision;
  p.design = old->design;
  p.code = old->code;
  p.revision = expected + 1;
  p.updated_at = now_ms();
  Version restored = make_version(p, caller.user_id, "restored from " + std::to_string(number));
  if (!store_.update(p, expected, &restored, config_.keep_versions)) {
    throw ApiError(409, "revision_conflict", "The project changed meanwhile; try again.");
  }
  announce(id, "project.updated",
           {{"revision", p.revision},
            {"updatedAt", rfc3339(p.updated_at)},
            {"changed", nlohmann::json::array({"designJson", "code"})},
            {"updatedBy", caller.user_id}});
  announce(id, "project.version_created", {{"number", restored.number}});
  return v;
}

}  // namespace od::projects
