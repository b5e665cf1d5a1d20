#include "collab/room.h"

#include "core/log.h"
#include "engines/yjs/error.h"
#include "engines/yjs/update_ops.h"
#include "http/websocket.h"

namespace od::collab {
namespace {

namespace close_code = http::close_code;

// An update with no structs and an empty delete set: the state of a new document.
const std::vector<std::uint8_t> kEmptyUpdate = {0, 0};

std::string as_string(const std::vector<std::uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

std::span<const std::uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

Room::Room(RoomName name, CollabStore& store, UpdateLog& log, WorkerPool& pool, RoomLimits limits)
    : name_(std::move(name)),
      key_(name_.full()),
      store_(store),
      log_(log),
      limits_(limits),
      queue_(std::make_shared<SerialQueue>(pool, limits.max_pending_tasks)) {}

bool Room::join(std::shared_ptr<Peer> peer) {
  return queue_->post([self = shared_from_this(), peer] { self->handle_join(peer); });
}

bool Room::receive(std::shared_ptr<Peer> peer, std::string frame) {
  return queue_->post([self = shared_from_this(), peer, frame = std::move(frame)] {
    self->handle_frame(peer, frame);
  });
}

void Room::leave(std::shared_ptr<Peer> peer, std::function<void()> then) {
  queue_->post(
      [self = shared_from_this(), peer, then = std::move(then)] {
        self->handle_leave(peer);
        self->after_stored(std::move(then));
      },
      /*must_run=*/true);
}

bool Room::ensure_loaded() {
  if (loaded_) return true;
  try {
    auto rows = store_.load(key_);
    std::vector<yjs::BytesView> views;
    views.reserve(rows.size());
    for (const auto& row : rows) views.push_back(as_bytes(row.data));
    state_ = views.empty() ? kEmptyUpdate : yjs::merge_updates(views);
    stored_rows_ = rows.size();
    loaded_ = true;
  } catch (const std::exception& e) {
    log::error("collab room failed to load", {{"room", key_}, {"error", e.what()}});
  }
  return loaded_;
}

void Room::handle_join(const std::shared_ptr<Peer>& peer) {
  if (!ensure_loaded()) {
    peer->close(close_code::kInternal, "the document could not be loaded");
    return;
  }
  members_.emplace(peer, Member{});
  peer->send(as_string(yjs::encode_sync_step1(yjs::encode_state_vector_from_update(state_))));
  if (!awareness_.empty()) send_awareness_states(*peer);
}

void Room::handle_frame(const std::shared_ptr<Peer>& peer, const std::string& frame) {
  if (!members_.contains(peer)) return;  // its join failed, or it already left
  try {
    for (const auto& message : yjs::decode_messages(as_bytes(frame))) {
      switch (message.type) {
        case yjs::MessageType::kSync:
          if (message.sync_type == yjs::SyncType::kStep1) {
            auto diff = yjs::diff_update(state_, message.payload);
            peer->send(as_string(yjs::encode_sync_step2(diff)));
          } else {
            handle_update(peer, message.payload);
          }
          break;
        case yjs::MessageType::kAwareness:
          handle_awareness(peer, message.payload, frame);
          break;
        case yjs::MessageType::kQueryAwareness:
          send_awareness_states(*peer);
          break;
        case yjs::MessageType::kAuth:
          break;  // the token travels with the upgrade; nothing to do
      }
      if (!members_.contains(peer)) return;  // closed by a handler above
    }
  } catch (const yjs::DecodeError& e) {
    // Nothing of a malformed frame is applied: updates are validated before they are stored.
    peer->close(close_code::kInvalidData, "malformed message");
    handle_leave(peer);
  }
}

void Room::handle_update(const std::shared_ptr<Peer>& peer, std::span<const std::uint8_t> update) {
  if (!peer->writable()) {
    peer->send(as_string(yjs::encode_permission_denied("read-only: this document is view-only")));
    return;
  }
  yjs::validate_update(update);
  if (state_.size() + update.size() > limits_.max_document_bytes) {
    peer->close(close_code::kTooBig, "the document is too large");
    handle_leave(peer);
    return;
  }
  // Relayed only once stored: the log commits it with whatever other rooms sent meanwhile.
  ++appending_;
  std::string bytes(reinterpret_cast<const char*>(update.data()), update.size());
  bool queued = log_.append(
      key_, name_.project_id, bytes,
      [self = shared_from_this(), peer, bytes](std::optional<int64_t> seq) {
        self->queue_->post([self, peer, bytes, seq] { self->handle_stored(peer, bytes, seq); },
                           /*must_run=*/true);
      });
  if (!queued) {
    --appending_;
    peer->close(close_code::kTryAgain, "the server is busy; send the update again");
    handle_leave(peer);
  }
}

void Room::handle_stored(const std::shared_ptr<Peer>& peer, const std::string& update,
                         std::optional<int64_t> seq) {
  --appending_;
  if (!seq) {
    // Not stored, so not relayed: the client keeps it and sends it again when it reconnects.
    if (members_.contains(peer)) {
      peer->close(close_code::kTryAgain, "the update could not be stored");
      handle_leave(peer);
    }
  } else {
    std::vector<yjs::BytesView> both = {state_, as_bytes(update)};
    state_ = yjs::merge_updates(both);
    ++stored_rows_;
    broadcast(as_string(yjs::encode_sync_update(as_bytes(update))));
    if (stored_rows_ > limits_.compact_after) {
      try {
        store_.compact(
            key_, name_.project_id, *seq,
            std::string_view(reinterpret_cast<const char*>(state_.data()), state_.size()));
        stored_rows_ = 1;
      } catch (const std::exception& e) {
        log::warn("collab compaction failed", {{"room", key_}, {"error", e.what()}});
      }
    }
  }
  if (appending_ == 0) {
    auto waiting = std::move(after_stored_);
    after_stored_.clear();
    for (auto& then : waiting) then();
  }
}

void Room::after_stored(std::function<void()> then) {
  if (appending_ == 0) {
    then();
  } else {
    after_stored_.push_back(std::move(then));
  }
}

void Room::handle_awareness(const std::shared_ptr<Peer>& peer,
                            std::span<const std::uint8_t> payload, const std::string& frame) {
  auto entries = yjs::decode_awareness_update(payload);
  auto& member = members_.at(peer);
  for (const auto& entry : entries) {
    if (entry.state_json == "null") {
      awareness_.erase(entry.client);
      member.clients.erase(entry.client);
    } else if (awareness_.contains(entry.client) ||
               awareness_.size() < limits_.max_awareness_clients) {
      awareness_[entry.client] = entry;
      member.clients.insert(entry.client);
    }
  }
  broadcast(frame);
}

void Room::handle_leave(const std::shared_ptr<Peer>& peer) {
  auto it = members_.find(peer);
  if (it == members_.end()) return;
  std::vector<yjs::AwarenessEntry> gone;
  for (std::uint64_t client : it->second.clients) {
    auto state = awareness_.find(client);
    if (state == awareness_.end()) continue;
    // A higher clock makes other clients accept the removal over the state they hold.
    gone.push_back({client, state->second.clock + 1, "null"});
    awareness_.erase(state);
  }
  members_.erase(it);
  if (!gone.empty()) {
    broadcast(as_string(yjs::encode_awareness_message(yjs::encode_awareness_update(gone))));
  }
}

void Room::send_awareness_states(Peer& peer) {
  std::vector<yjs::AwarenessEntry> entries;
  entries.reserve(awareness_.size());
  for (const auto& [client, entry] : awareness_) entries.push_back(entry);
  peer.send(as_string(yjs::encode_awareness_message(yjs::encode_awareness_update(entries))));
}

void Room::broadcast(const std::string& message) {
  for (const auto& [peer, member] : members_) peer->send(message);
}

}  // namespace od::collab
