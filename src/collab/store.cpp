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
    throw std::runtime_error("a collab table holds a row that is not base64url");
  }
  return bytes;
}

}  // namespace

int64_t CollabStore::append(const std::string& room, const std::string& project_id,
                            std::string_view update) {
  return append_batch({{room, project_id, std::string(update)}}).front();
}

std::vector<int64_t> CollabStore::append_batch(const std::vector<PendingAppend>& appends) {
  std::vector<std::string> data;
  data.reserve(appends.size());
  for (const auto& a : appends) data.push_back(crypto::base64url_encode(a.update));
  // Instances appending to one room at once may pick the same next seq: the loser's insert hits
  // the primary key (after the winner commits) and the loser's batch starts over with new seqs.
  for (int attempt = 0;; ++attempt) {
    try {
      std::vector<int64_t> seqs;
      db_.transaction([&](db::Session& s) {
        seqs.clear();
        std::unordered_map<std::string, int64_t> last_seq;
        const int64_t at = now_ms();
        for (size_t i = 0; i < appends.size(); ++i) {
          const auto& a = appends[i];
          auto it = last_seq.find(a.room);
          if (it == last_seq.end()) {
            auto last = s.exec("SELECT COALESCE(MAX(seq), 0) FROM collab_updates WHERE room = $1",
                               {a.room});
            it = last_seq.emplace(a.room, last.first()->integer(0)).first;
          }
          int64_t seq = ++it->second;
          s.exec(
              "INSERT INTO collab_updates (room, seq, project_id, data, created_at) "
              "VALUES ($1, $2, $3, $4, $5)",
              {a.room, seq, a.project_id, data[i], at});
          seqs.push_back(seq);
        }
      });
      return seqs;
    } catch (const db::Error& e) {
      if (e.kind() != db::Error::Kind::UniqueViolation || attempt == 20) throw;
    }
  }
}

std::vector<StoredUpdate> CollabStore::load_since(const std::string& room, int64_t after_seq) {
  auto result =
      db_.query("SELECT seq, data FROM collab_updates WHERE room = $1 AND seq > $2 ORDER BY seq",
                {room, after_seq});
  std::vector<StoredUpdate> out;
  out.reserve(result.rows.size());
  for (const auto& row : result.rows) out.push_back({row.integer(0), decode(row.text(1))});
  return out;
}

int64_t CollabStore::replace(const std::string& room, const std::string& project_id,
                             std::string_view state) {
  int64_t seq = 0;
  db_.transaction([&](db::Session& s) {
    auto last = s.exec("SELECT COALESCE(MAX(seq), 0) FROM collab_updates WHERE room = $1", {room});
    seq = last.first()->integer(0) + 1;
    s.exec("DELETE FROM collab_updates WHERE room = $1", {room});
    s.exec(
        "INSERT INTO collab_updates (room, seq, project_id, data, created_at) "
        "VALUES ($1, $2, $3, $4, $5)",
        {room, seq, project_id, crypto::base64url_encode(state), now_ms()});
  });
  return seq;
}

std::vector<std::string> CollabStore::rooms_of(const std::string& project_id) {
  auto result = db_.query(
      "SELECT DISTINCT room FROM collab_updates WHERE project_id = $1 ORDER BY room", {project_id});
  std::vector<std::string> out;
  for (const auto& row : result.rows) out.push_back(row.text(0));
  return out;
}

void CollabStore::save_snapshot(const std::string& project_id, int64_t number,
                                const std::string& room, std::string_view state) {
  db_.execute(
      "INSERT INTO collab_snapshots (project_id, number, room, data) VALUES ($1, $2, $3, $4)",
      {project_id, number, room, crypto::base64url_encode(state)});
}

std::vector<std::pair<std::string, std::string>> CollabStore::load_snapshot(
    const std::string& project_id, int64_t number) {
  auto result = db_.query(
      "SELECT room, data FROM collab_snapshots WHERE project_id = $1 AND number = $2 ORDER BY room",
      {project_id, number});
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& row : result.rows) out.emplace_back(row.text(0), decode(row.text(1)));
  return out;
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
