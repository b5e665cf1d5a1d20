#include "app/gdpr.h"

#include <algorithm>
#include <map>

#include "app/archive_assets.h"
#include "core/error.h"
#include "core/time.h"

namespace od::app {
namespace {

constexpr int kVersionPage = 100;
constexpr int kAssetPage = 100;

nlohmann::json optional_time(const std::optional<int64_t>& at) {
  return at ? nlohmann::json(rfc3339(*at)) : nlohmann::json(nullptr);
}

// One entry per sign-in: a refresh-token family is one session however often it was rotated.
nlohmann::json sessions_json(const std::vector<auth::RefreshToken>& tokens) {
  struct Span {
    int64_t created = INT64_MAX, expires = 0;
    std::optional<int64_t> revoked;
  };
  std::map<std::string, Span> families;
  for (const auto& t : tokens) {
    Span& s = families[t.family_id];
    s.created = std::min(s.created, t.created_at);
    s.expires = std::max(s.expires, t.expires_at);
    if (t.revoked_at) s.revoked = std::max(s.revoked.value_or(0), *t.revoked_at);
  }
  std::vector<Span> spans;
  for (const auto& [family, span] : families) spans.push_back(span);
  std::sort(spans.begin(), spans.end(), [](auto& a, auto& b) { return a.created < b.created; });
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : spans) {
    out.push_back({{"createdAt", rfc3339(s.created)},
                   {"expiresAt", rfc3339(s.expires)},
                   {"revokedAt", optional_time(s.revoked)}});
  }
  return out;
}

nlohmann::json project_json(projects::ProjectsService& projects, const auth::Principal& me,
                            const projects::Project& project) {
  nlohmann::json out = projects::to_json(project, projects::Access::Owner);
  nlohmann::json versions = nlohmann::json::array();
  int64_t before = INT64_MAX;
  for (;;) {
    auto page = projects.versions(me, project.id, before, kVersionPage);
    for (const auto& v : page) versions.push_back(projects::to_json(v, true));
    if (page.size() < kVersionPage) break;
    before = page.back().number;
  }
  out["versions"] = versions;
  return out;
}

nlohmann::json usage_record_json(const ai::UsageRecord& r) {
  return {
      {"id", r.id},
      {"jobId", r.job_id},
      {"jobType", r.job_type},
      {"model", r.model},
      {"attempt", r.attempt},
      {"requests", r.requests},
      {"promptTokens", r.prompt_tokens},
      {"completionTokens", r.completion_tokens},
      {"wallMs", r.wall_ms},
      {"outcome", r.outcome},
      {"errorCode", r.error_code.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error_code)},
      {"createdAt", rfc3339(r.created_at)}};
}

}  // namespace

nlohmann::json export_user_data(const UserDataModules& modules, const auth::Principal& me) {
  auth::AuthService& accounts = modules.accounts;
  projects::ProjectsService& projects = modules.projects;
  assets::AssetsService& assets = modules.assets;
  auth::User user = accounts.get_user(me.user_id);
  nlohmann::json audit = nlohmann::json::array();
  for (const auto& entry : accounts.audit_of(user.id)) audit.push_back(auth::to_json(entry));
  nlohmann::json owned = nlohmann::json::array();
  for (const auto& project : projects.owned_by(user.id)) {
    owned.push_back(project_json(projects, me, project));
  }
  nlohmann::json memberships = nlohmann::json::array();
  for (const auto& [project_id, member] : projects.memberships_of(user.id)) {
    memberships.push_back(
        {{"projectId", project_id}, {"role", member.role}, {"addedAt", rfc3339(member.added_at)}});
  }
  nlohmann::json identities = nlohmann::json::array();
  for (const auto& identity : accounts.identities_of(user.id)) {
    identities.push_back({{"provider", identity.provider},
                          {"email", identity.email},
                          {"linkedAt", rfc3339(identity.created_at)}});
  }
  nlohmann::json owned_assets = nlohmann::json::array();
  for (std::string before;;) {
    auto page = assets.list(me, std::nullopt, before, kAssetPage);
    for (const auto& asset : page) {
      nlohmann::json entry = assets.describe(asset);
      entry["contentUrl"] = "/api/v1/assets/" + asset.id + "/content";
      owned_assets.push_back(std::move(entry));
    }
    if (static_cast<int>(page.size()) < kAssetPage) break;
    before = page.back().id;
  }
  nlohmann::json usage = nlohmann::json::array();
  for (const auto& record : modules.usage.records(me)) usage.push_back(usage_record_json(record));
  nlohmann::json comments = nlohmann::json::array();
  for (const auto& comment : modules.comments.authored_by(me)) {
    comments.push_back(comments::to_json(comment));
  }
  return {{"format", "opendesign-user-export"},
          {"formatVersion", 1},
          {"exportedAt", rfc3339(now_ms())},
          {"profile", auth::to_json(user)},
          {"sessions", sessions_json(accounts.sessions_of(user.id))},
          {"audit", audit},
          {"projects", owned},
          {"memberships", memberships},
          {"identities", identities},
          {"assets", owned_assets},
          {"aiUsage", usage},
          {"comments", comments}};
}

projects::StreamedZip export_user_zip(const UserDataModules& modules, const auth::Principal& me) {
  assets::AssetsService& assets = modules.assets;
  nlohmann::json data = export_user_data(modules, me);
  std::map<std::string, std::pair<std::string, projects::ExportedAsset>> files;  // by asset id
  for (std::string before;;) {
    auto page = assets.list(me, std::nullopt, before, kAssetPage);
    for (const auto& asset : page) {
      if (asset.status != "ready") continue;
      try {
        files.emplace(asset.id, std::pair(std::string("assets/") + asset.id + "-" + asset.filename,
                                          exported_asset(assets, asset)));
      } catch (const ApiError& e) {
        if (e.status() != 410) throw;  // bytes no longer stored: listed without a file
      }
    }
    if (static_cast<int>(page.size()) < kAssetPage) break;
    before = page.back().id;
  }
  for (auto& entry : data["assets"]) {
    auto file = files.find(entry.value("id", ""));
    entry["file"] =
        file == files.end() ? nlohmann::json(nullptr) : nlohmann::json(file->second.first);
  }
  projects::StreamedZip zip;
  zip.add_deflated("data.json", data.dump(2));
  for (auto& [id, file] : files) {
    auto& [path, exported] = file;
    zip.add_stored(path, exported.size, std::move(exported.write));
  }
  return zip;
}

void erase_user(const UserDataModules& modules, const auth::Principal& me,
                const std::string& password, const std::string& ip) {
  std::vector<std::string> blobs = modules.assets.blobs_of_owner(me.user_id);
  // Throws (nothing changes) on a bad password.
  modules.accounts.delete_account(me.user_id, password, ip);
  for (const auto& sha256 : blobs) modules.assets.release_blob(sha256);
  modules.comments.forget_user(me.user_id);
}

}  // namespace od::app
