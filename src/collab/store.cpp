#include "collab/store.h"

#include <stdexcept>
#include <unordered_map>

#include "core/crypto.h"
#include "core/time.h"

namespace od::collab {
namespace {

std::string decode(const std::string& text) {
  std::string bytes;
  // Only this store writes the column, so bad text means the database was tampered with.
  if (!crypto::base64url_decode(text, bytes)) {
    throw std::runtime_error("collab_updates holds a row that is not base64url");
  }
  return bytes;
}

}  // namespace

int64_t CollabStore::append(const std::string& room, const std::string& project_id,
                            std::string_view update) {
  return append_batch({{room, project_id, std::string(update)}}).front();
}

std::vector<int64_t> CollabStore::append_batch(const std::vector<PendingAppend>& appends) {
  std::vector<int64_t> seqs;
  seqs.reserve(appends.size());
  db_.transaction([&](db::Session& s) {
    seqs.clear();  // a retried transaction starts over
    std::unordered_map<std::string, int64_t> last_seq;
    const int64_t at = now_ms();
    for (const auto& a : appends) {
      auto it = last_seq.find(a.room);
      if (it == last_seq.end()) {
        auto last =
            s.exec("SELECT COALESCE(MAX(seq), 0) FROM collab_updates WHERE room = $1", {a.room});
        it = last_seq.emplace(a.room, last.first()->integer(0)).first;
      }
      int64_t seq = ++it->second;
      s.exec(
          "INSERT INTO collab_updates (room, seq, project_id, data, created_at) "
          "VALUES ($1, $2, $3, $4, $5)",
          {a.room, seq, a.project_id, crypto::base64url_encode(a.update), at});
      seqs.push_back(seq);
    }
  });
  return seqs;
}

std::vector<StoredUpdate> CollabStore::load(const std::string& room) {
  auto result =
      db_.query("SELECT seq, data FROM collab_updates WHERE room = $1 ORDER BY seq", {room});
  std::vector<StoredUpdate> out;
  out.reserve(result.rows.size());
  for (const auto& row : result.rows) out.push_back({row.integer(0), decode(row.text(1))});
  return out;
}

void CollabStore::compact(const std::string& room, const std::string& project_id,
                          int64_t through_seq, std::string_view merged) {
  db_.transaction([&](db::Session& s) {
    s.exec("DELETE FROM collab_updates WHERE room = $1 AND seq <= $2", {room, through_seq});
    s.exec(
        "INSERT INTO collab_updates (room, seq, project_id, data, created_at) "
        "VALUES ($1, $2, $3, $4, $5)",
        {room, through_seq, project_id, crypto::base64url_encode(merged), now_ms()});
  });
}

}  // namespace od::collab
