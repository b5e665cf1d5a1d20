#include "auth/user.h"

#include "core/time.h"

namespace od::auth {

bool is_valid_role(const std::string& role) {
  return role == kRoleUser || role == kRoleDesigner || role == kRoleAdmin;
}

nlohmann::json to_json(const User& user) {
  return {{"id", user.id},
          {"email", user.email},
          {"displayName", user.display_name},
          {"role", user.role},
          {"emailVerified", user.email_verified},
          {"hasPassword", !user.password_hash.empty()},
          {"createdAt", rfc3339(user.created_at)},
          {"updatedAt", rfc3339(user.updated_at)}};
}

nlohmann::json to_json(const AuditEntry& entry) {
  nlohmann::json out = {{"id", entry.id},
                        {"at", rfc3339(entry.at)},
                        {"event", entry.event},
                        {"ip", entry.ip},
                        {"details", entry.details}};
  out["actorId"] =
      entry.actor_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(entry.actor_id);
  out["subjectId"] =
      entry.subject_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(entry.subject_id);
  return out;
}

}  // namespace od::auth
