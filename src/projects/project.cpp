#include "projects/project.h"

#include "core/time.h"

namespace od::projects {

const char* access_name(Access access) {
  switch (access) {
    case Access::None:
      return "none";
    case Access::Public:
      return "public";
    case Access::Viewer:
      return "viewer";
    case Access::Editor:
      return "editor";
    case Access::Owner:
      return "owner";
    case Access::Admin:
      return "admin";
  }
  return "none";
}

nlohmann::json to_json(const Project& p, Access access, bool with_content) {
  nlohmann::json out = {{"id", p.id},
                        {"ownerId", p.owner_id},
                        {"title", p.title},
                        {"description", p.description},
                        {"isPublic", p.is_public},
                        {"isTemplate", p.is_template},
                        {"tags", p.tags},
                        {"revision", p.revision},
                        {"access", access_name(access)},
                        {"createdAt", rfc3339(p.created_at)},
                        {"updatedAt", rfc3339(p.updated_at)}};
  if (with_content) {
    out["designJson"] = p.design;
    out["code"] = p.code;
  }
  return out;
}

nlohmann::json to_json(const Member& m) {
  return {{"userId", m.user_id}, {"role", m.role}, {"addedAt", rfc3339(m.added_at)}};
}

nlohmann::json to_json(const Version& v, bool with_content) {
  nlohmann::json out = {
      {"id", v.id},       {"projectId", v.project_id}, {"number", v.number},
      {"label", v.label}, {"createdBy", v.created_by}, {"createdAt", rfc3339(v.created_at)}};
  if (with_content) {
    out["designJson"] = v.design;
    out["code"] = v.code;
  }
  return out;
}

}  // namespace od::projects
