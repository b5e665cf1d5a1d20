// The SQL of external workers (services that lease jobs over HTTP): their registrations, when
// each was last seen, and revocation.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "db/database.h"

namespace od::jobs {

struct ExternalWorker {
  std::string id;
  std::string name;
  std::vector<std::string> types;
  std::string token_salt;
  std::string token_hash;
  std::string created_by;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t revoked_at = 0;
};

class ExternalWorkerStore {
 public:
  explicit ExternalWorkerStore(db::Database& db) : db_(db) {}

  void insert(const ExternalWorker& worker);
  std::optional<ExternalWorker> find(const std::string& id);
  // Newest first, at most `limit`.
  std::vector<ExternalWorker> list(int limit);
  // False when there is no such worker or it was revoked already.
  bool revoke(const std::string& id, int64_t now);
  void touch(const std::string& id, int64_t now);
  // Job types served by workers not revoked and seen at or after `since`.
  std::vector<std::string> types_seen_since(int64_t since);

 private:
  db::Database& db_;
};

}  // namespace od::jobs
