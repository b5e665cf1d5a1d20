#include "jobs/worker_store.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace od::jobs {
namespace {

constexpr const char* kColumns =
    "id, name, types, token_salt, token_hash, created_by, created_at, last_seen_at, revoked_at";

std::vector<std::string> parse_types(const std::string& text) {
  auto value = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> types;
  if (!value.is_array()) return types;
  for (const auto& item : value) {
    if (item.is_string()) types.push_back(item.get<std::string>());
  }
  return types;
}

ExternalWorker worker_from_row(const db::Row& row) {
  ExternalWorker w;
  w.id = row.text(0);
  w.name = row.text(1);
  w.types = parse_types(row.text(2));
  w.token_salt = row.text(3);
  w.token_hash = row.text(4);
  w.created_by = row.text(5);
  w.created_at = row.integer(6);
  w.last_seen_at = row.integer(7);
  w.revoked_at = row.integer(8);
  return w;
}

}  // namespace

void ExternalWorkerStore::insert(const ExternalWorker& w) {
  db_.execute(
      "INSERT INTO external_workers (id, name, types, token_salt, token_hash, created_by, "
      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {w.id, w.name, nlohmann::json(w.types).dump(), w.token_salt, w.token_hash, w.created_by,
       w.created_at});
}

std::optional<ExternalWorker> ExternalWorkerStore::find(const std::string& id) {
  auto result =
      db_.query(std::string("SELECT ") + kColumns + " FROM external_workers WHERE id = $1", {id});
  if (result.empty()) return std::nullopt;
  return worker_from_row(result.rows.front());
}

std::vector<ExternalWorker> ExternalWorkerStore::list(int limit) {
  auto result = db_.query(
      std::string("SELECT ") + kColumns + " FROM external_workers ORDER BY id DESC LIMIT $1",
      {limit});
  std::vector<ExternalWorker> out;
  for (const auto& row : result.rows) out.push_back(worker_from_row(row));
  return out;
}

bool ExternalWorkerStore::revoke(const std::string& id, int64_t now) {
  return db_.execute(
                "UPDATE external_workers SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                {id, now})
             .affected_rows > 0;
}

void ExternalWorkerStore::touch(const std::string& id, int64_t now) {
  db_.execute("UPDATE external_workers SET last_seen_at = $2 WHERE id = $1", {id, now});
}

std::vector<std::string> ExternalWorkerStore::types_seen_since(int64_t since) {
  auto result = db_.query(
      "SELECT types FROM external_workers WHERE revoked_at IS NULL AND last_seen_at >= $1",
      {since});
  std::vector<std::string> types;
  for (const auto& row : result.rows) {
    for (auto& type : parse_types(row.text(0))) types.push_back(std::move(type));
  }
  std::sort(types.begin(), types.end());
  types.erase(std::unique(types.begin(), types.end()), types.end());
  return types;
}

}  // namespace od::jobs
