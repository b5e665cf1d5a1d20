// GDPR: the right of access (everything the server keeps about a user, as one JSON document) and
// the right to erasure (the account and all it owns). Both span several modules (accounts,
// projects, assets, AI usage, comments), so they live in the composition layer and work only
// through those modules' services.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "ai/usage_service.h"
#include "assets/service.h"
#include "auth/service.h"
#include "comments/service.h"
#include "projects/service.h"
#include "projects/zip_stream.h"

namespace od::app {

// The modules that hold a user's data.
struct UserDataModules {
  auth::AuthService& accounts;
  projects::ProjectsService& projects;
  assets::AssetsService& assets;
  ai::UsageService& usage;
  comments::CommentsService& comments;
};

// The caller's profile, sessions (timestamps only), audit entries, owned projects with every
// version, memberships in other projects and linked OAuth identities. Never a password hash,
// token hash or token.
// Assets are listed with their metadata (processing state, media facts); their bytes stay behind
// GET /api/v1/assets/{id}/content, which each entry names as contentUrl. Also every AI usage row
// (one per attempt of a provider-backed job) and every comment the user wrote, in any project.
nlohmann::json export_user_data(const UserDataModules& modules, const auth::Principal& me);

// The same, with the bytes: a ZIP laid out for streaming that holds data.json (the document
// above, each asset naming its entry as "file", or null when its bytes are not stored) and, under
// assets/<id>-<filename>, every asset the user owns, read from the blob store while it is written.
projects::StreamedZip export_user_zip(const UserDataModules& modules, const auth::Principal& me);

// Deletes the account after re-authentication (see AuthService::delete_account). Its projects
// (with versions, tags and members), sessions, one-time tokens, identities and memberships go in
// the same statement through ON DELETE CASCADE; the audit log is kept, with the ids as plain text,
// because a security log that forgets deletions cannot explain them later.
// The blobs of the user's assets and their derivatives are released afterwards, each unless
// another user's asset still names the same bytes.
// AI usage rows go with the account (ON DELETE CASCADE). Comments the user wrote in other
// people's projects stay, anonymous: the author is cleared with the account, and the user's id
// is then removed from resolvedBy and from mention lists.
void erase_user(const UserDataModules& modules, const auth::Principal& me,
                const std::string& password, const std::string& ip);

}  // namespace od::app
