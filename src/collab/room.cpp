#include "collab/room.h"

#include <algorithm>

#include "core/log.h"
#include "core/metrics.h"
#include "core/time.h"
#include "engines/yjs/error.h"
#include "engines/yjs/lib0_encoder.h"
#include "engines/yjs/update_ops.h"
#include "http/websocket.h"

namespace od::collab {
namespace {

namespace close_code = http::close_code;
using Clock = std::chrono::steady_clock;

// An update with no structs and an empty delete set: the state of a new document, and what a
// y-websocket client that has nothing new answers a SyncStep1 with.
const std::vector<std::uint8_t> kEmptyUpdate = {0, 0};

// Shared by every room whose document is empty, instead of a copy each.
const SharedBytes& empty_state() {
  static const auto state = SharedBytes::copy(kEmptyUpdate);
  return state;
}

bool is_empty_update(std::span<const std::uint8_t> update) {
  return std::equal(update.begin(), update.end(), kEmptyUpdate.begin(), kEmptyUpdate.end());
}

// A gap in the seqs older than this is filled from the database (messages on the bus from two
// instances may arrive out of order, so a fresh gap is usually closed by the next message).
constexpr auto kGapPatience = std::chrono::milliseconds(500);
// Other instances' clients renew awareness every 15 s; a state not renewed for this long belongs
// to a client (or an instance) that is gone.
constexpr auto kRemoteAwarenessTtl = std::chrono::seconds(45);
constexpr auto kCompactionLockTtl = std::chrono::seconds(60);

std::string as_string(std::span<const std::uint8_t> bytes) {
  return std::string(bytes.begin(), bytes.end());
}

std::span<const std::uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string encode_notice(const std::string& json) {
  yjs::Lib0Encoder e;
  e.write_var_uint(kNoticeMessageType);
  e.write_var_string(json);
  return as_string(e.take());
}

}  // namespace

Room::Room(const RoomName& name, const RoomServices& services)
    : key_(name.full()),
      services_(services),
      queue_(services.pool, services.limits.max_pending_tasks),
      project_id_size_(static_cast<std::uint8_t>(name.project_id.size())) {
  static_assert(kMaxProjectIdBytes <= 255, "project_id_size_ is one byte");
}

bool Room::join(std::shared_ptr<Peer> peer) {
  return post([self = shared_from_this(), peer] { self->handle_join(peer); });
}

bool Room::receive(std::shared_ptr<Peer> peer, std::string frame) {
  return post([self = shared_from_this(), peer, frame = std::move(frame)] {
    self->handle_frame(peer, frame);
  });
}

void Room::leave(std::shared_ptr<Peer> peer, std::function<void()> then) {
  post(
      [self = shared_from_this(), peer, then = std::move(then)] {
        self->handle_leave(peer);
        self->after_stored(std::move(then));
      },
      /*must_run=*/true);
}

void Room::remote(RoomMessage message) {
  // A full queue drops it; the gap it leaves in the seqs is filled from the database.
  post([self = shared_from_this(), message = std::move(message)] { self->handle_remote(message); });
}

void Room::tick() {
  post([self = shared_from_this()] {
    if (!self->loaded_) return;
    if (!self->seen_above_.empty() && Clock::now() - self->gap_since_ > kGapPatience) {
      self->catch_up();
    }
    std::vector<yjs::AwarenessEntry> gone;
    auto now = Clock::now();
    for (auto it = self->awareness_.begin(); it != self->awareness_.end();) {
      if (!it->second.local && now - it->second.updated > kRemoteAwarenessTtl) {
        gone.push_back({it->first, it->second.entry.clock + 1, "null"});
        it = self->awareness_.erase(it);
      } else {
        ++it;
      }
    }
    if (!gone.empty()) {
      self->broadcast(as_string(yjs::encode_awareness_message(yjs::encode_awareness_update(gone))));
    }
  });
}

void Room::resync() {
  post([self = shared_from_this()] {
    if (self->loaded_) self->catch_up();
  });
}

void Room::reset() {
  post(
      [self = shared_from_this()] {
        auto members = std::move(self->members_);
        self->members_.clear();
        for (const auto& member : members) {
          member.peer->close(room_close::kRestored, "the document was restored; open it again");
          if (!member.session.empty()) {
            try {
              self->services_.sessions.remove(member.session.str());
            } catch (const std::exception& e) {
              log::warn("collab session row not removed", {{"error", e.what()}});
            }
          }
        }
        self->awareness_.clear();
        self->unload();
      },
      /*must_run=*/true);
}

void Room::notice(std::string json) {
  post([self = shared_from_this(), frame = encode_notice(json)] {
    for (const auto& member : self->members_) {
      if (member.peer->wants_notices()) member.peer->send(frame);
    }
  });
}

void Room::unload() {
  loaded_ = false;
  base_ = SharedBytes();
  recent_.clear();
  recent_bytes_ = 0;
  ++epoch_;
  seen_above_.clear();
  update_held_bytes();
}

bool Room::ensure_loaded() {
  if (loaded_) return true;
  try {
    auto rows = services_.store.load(key_);
    std::vector<yjs::BytesView> views;
    views.reserve(rows.size());
    for (const auto& row : rows) views.push_back(as_bytes(row.data));
    base_ = views.empty() ? empty_state() : SharedBytes::copy(yjs::merge_updates(views));
    recent_.clear();
    recent_bytes_ = 0;
    ++epoch_;
    rows_since_compaction_ = rows.size();
    contiguous_seq_ = rows.empty() ? 0 : rows.back().seq;
    seen_above_.clear();
    loaded_ = true;
    update_held_bytes();
  } catch (const std::exception& e) {
    log::error("collab room failed to load", {{"room", key_}, {"error", e.what()}});
  }
  return loaded_;
}

std::span<const std::uint8_t> Room::current_state() {
  if (!recent_.empty()) {
    std::vector<yjs::BytesView> views;
    views.reserve(recent_.size() + 1);
    views.push_back(base_.view());
    for (const auto& update : recent_) views.push_back(update.view());
    base_ = SharedBytes::copy(yjs::merge_updates(views));
    recent_.clear();
    recent_bytes_ = 0;
    ++epoch_;  // a background merge in flight is now stale
    update_held_bytes();
  }
  return base_.view();
}

void Room::handle_join(const std::shared_ptr<Peer>& peer) {
  if (!ensure_loaded()) {
    peer->close(close_code::kInternal, "the document could not be loaded");
    return;
  }
  Member member{peer, SessionId::generate(), {}};
  try {
    int64_t now = now_ms();
    services_.sessions.add({member.session.str(), key_, std::string(project_id()), peer->user_id(),
                            services_.instance_id, peer->writable(), now,
                            now + std::chrono::milliseconds(services_.limits.session_ttl).count()});
  } catch (const std::exception& e) {
    // Presence is informative; the document works without it.
    log::warn("collab session row not stored", {{"room", key_}, {"error", e.what()}});
    member.session = SessionId();
  }
  members_.push_back(std::move(member));
  peer->send(
      as_string(yjs::encode_sync_step1(yjs::encode_state_vector_from_update(current_state()))));
  if (!awareness_.empty()) send_awareness_states(*peer);
}

void Room::handle_frame(const std::shared_ptr<Peer>& peer, const std::string& frame) {
  if (!find_member(peer.get())) return;  // its join failed, or it already left
  try {
    for (const auto& message : yjs::decode_messages(as_bytes(frame))) {
      switch (message.type) {
        case yjs::MessageType::kSync:
          if (message.sync_type == yjs::SyncType::kStep1) {
            auto diff = yjs::diff_update(current_state(), message.payload);
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
          break;  // already authenticated; a repeated token changes nothing
      }
      if (!find_member(peer.get())) return;  // closed by a handler above
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
  // It changes nothing, so it is neither stored nor relayed (y-websocket's server relays only
  // what changed its document). Clients send one on every connect, in answer to SyncStep1.
  if (is_empty_update(update)) return;
  if (base_.size() + recent_bytes_ + update.size() > services_.limits.max_document_bytes) {
    peer->close(close_code::kTooBig, "the document is too large");
    handle_leave(peer);
    return;
  }
  // Relayed only once stored: the log commits it together with what other rooms sent meanwhile.
  ++appending_;
  std::string bytes = as_string(update);
  bool queued = services_.log.append(
      key_, std::string(project_id()), bytes,
      [self = shared_from_this(), peer, bytes](std::optional<int64_t> seq) {
        self->post([self, peer, bytes, seq] { self->handle_stored(peer, bytes, seq); },
                   /*must_run=*/true);
      });
  if (!queued) {
    --appending_;
    peer->close(close_code::kTryAgain, "the server is busy; send the update again");
    handle_leave(peer);
  }
}

void Room::handle_stored(const std::shared_ptr<Peer>& peer, const std::string& bytes,
                         std::optional<int64_t> seq) {
  --appending_;
  if (!seq) {
    // Not stored, so not relayed: the client keeps it and sends it again when it reconnects.
    if (find_member(peer.get())) {
      peer->close(close_code::kTryAgain, "the update could not be stored");
      handle_leave(peer);
    }
  } else {
    // Stored first, so an instance that misses this message finds the row in the database.
    services_.bus.publish({RoomMessage::Kind::kUpdate, services_.instance_id, key_, *seq, bytes});
    metrics::counter_add("collab_updates_total", {{"origin", "local"}});
    if (loaded_) {  // a restore may have unloaded the room meanwhile; the next load has it
      note_seq(*seq);
      auto update = as_bytes(bytes);
      broadcast(as_string(yjs::encode_sync_update(update)));
      add_recent(update);
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
  apply_awareness(entries, find_member(peer.get()));
  services_.bus.publish(
      {RoomMessage::Kind::kAwareness, services_.instance_id, key_, 0, as_string(payload)});
  broadcast(frame);
}

void Room::apply_awareness(const std::vector<yjs::AwarenessEntry>& entries, Member* member) {
  auto now = Clock::now();
  for (const auto& entry : entries) {
    if (entry.state_json == "null") {
      awareness_.erase(entry.client);
      if (member) std::erase(member->clients, entry.client);
    } else if (awareness_.contains(entry.client) ||
               awareness_.size() < services_.limits.max_awareness_clients) {
      awareness_[entry.client] = {entry, member != nullptr, now};
      if (member && std::ranges::find(member->clients, entry.client) == member->clients.end()) {
        member->clients.push_back(entry.client);
      }
    }
  }
}

Room::Member* Room::find_member(const Peer* peer) {
  auto it =
      std::ranges::find_if(members_, [peer](const Member& m) { return m.peer.get() == peer; });
  return it == members_.end() ? nullptr : &*it;
}

void Room::handle_leave(const std::shared_ptr<Peer>& peer) {
  Member* member = find_member(peer.get());
  if (!member) return;
  std::vector<yjs::AwarenessEntry> gone;
  for (std::uint64_t client : member->clients) {
    auto state = awareness_.find(client);
    if (state == awareness_.end()) continue;
    // A higher clock makes other clients accept the removal over the state they hold.
    gone.push_back({client, state->second.entry.clock + 1, "null"});
    awareness_.erase(state);
  }
  if (!member->session.empty()) {
    try {
      services_.sessions.remove(member->session.str());
    } catch (const std::exception& e) {
      log::warn("collab session row not removed", {{"room", key_}, {"error", e.what()}});
    }
  }
  // Order does not matter (a broadcast reaches all of them): move the last into its place.
  if (member != &members_.back()) *member = std::move(members_.back());
  members_.pop_back();
  if (!gone.empty()) {
    auto update = yjs::encode_awareness_update(gone);
    services_.bus.publish(
        {RoomMessage::Kind::kAwareness, services_.instance_id, key_, 0, as_string(update)});
    broadcast(as_string(yjs::encode_awareness_message(update)));
  }
}

void Room::handle_remote(const RoomMessage& message) {
  switch (message.kind) {
    case RoomMessage::Kind::kUpdate: {
      if (!loaded_) return;  // the next load reads it from the database
      if (!note_seq(message.seq)) return;
      auto update = as_bytes(message.payload);
      metrics::counter_add("collab_updates_total", {{"origin", "remote"}});
      broadcast(as_string(yjs::encode_sync_update(update)));
      add_recent(update);
      break;
    }
    case RoomMessage::Kind::kAwareness: {
      try {
        auto entries = yjs::decode_awareness_update(as_bytes(message.payload));
        apply_awareness(entries, nullptr);
        broadcast(as_string(yjs::encode_awareness_message(as_bytes(message.payload))));
      } catch (const yjs::DecodeError&) {
        log::warn("collab: malformed awareness from another instance", {{"room", key_}});
      }
      break;
    }
    case RoomMessage::Kind::kReset:
    case RoomMessage::Kind::kNotice:
      break;  // the Hub turns these into reset() and notice()
  }
}

bool Room::note_seq(int64_t seq) {
  if (seq <= contiguous_seq_ || seen_above_.contains(seq)) return false;
  bool had_gap = !seen_above_.empty();
  seen_above_.insert(seq);
  while (!seen_above_.empty() && *seen_above_.begin() == contiguous_seq_ + 1) {
    contiguous_seq_ = *seen_above_.begin();
    seen_above_.erase(seen_above_.begin());
  }
  if (!had_gap && !seen_above_.empty()) gap_since_ = Clock::now();
  ++rows_since_compaction_;
  maybe_compact();
  return true;
}

void Room::catch_up() {
  std::vector<StoredUpdate> rows;
  try {
    rows = services_.store.load_since(key_, contiguous_seq_);
  } catch (const std::exception& e) {
    log::warn("collab catch-up failed", {{"room", key_}, {"error", e.what()}});
    return;
  }
  for (auto& row : rows) {
    if (seen_above_.contains(row.seq)) continue;
    // A compacted row may repeat updates already applied; applying a Yjs update twice is a no-op.
    auto update = as_bytes(row.data);
    broadcast(as_string(yjs::encode_sync_update(update)));
    add_recent(update);
    ++rows_since_compaction_;
  }
  if (!rows.empty()) contiguous_seq_ = std::max(contiguous_seq_, rows.back().seq);
  if (!seen_above_.empty()) contiguous_seq_ = std::max(contiguous_seq_, *seen_above_.rbegin());
  seen_above_.clear();
  maybe_compact();
}

void Room::add_recent(std::span<const std::uint8_t> update) {
  recent_bytes_ += update.size();
  recent_.push_back(SharedBytes::copy(update));
  update_held_bytes();
  maybe_merge();
}

void Room::maybe_merge() {
  // Folding recent updates into the base costs the base's size. Waiting until they hold a
  // sixteenth of it keeps that cost per byte received constant whatever the document's size;
  // the cap on their number bounds the list (and a join's merge) for large documents.
  if (merging_ || recent_.size() < services_.limits.merge_after) return;
  if (recent_bytes_ * 16 < base_.size() && recent_.size() < services_.limits.merge_after * 64)
    return;
  std::vector<SharedBytes> batch(recent_.begin(), recent_.end());
  auto base = base_;
  uint64_t epoch = epoch_;
  merging_ = true;
  bool submitted = services_.pool.try_submit([self = shared_from_this(), base, batch, epoch] {
    std::vector<yjs::BytesView> views;
    views.reserve(batch.size() + 1);
    views.push_back(base.view());
    for (const auto& update : batch) views.push_back(update.view());
    auto merged = SharedBytes::copy(yjs::merge_updates(views));
    self->post(
        [self, merged, count = batch.size(), epoch] {
          self->merging_ = false;
          if (epoch != self->epoch_) return;  // the state moved on without it
          size_t dropped = 0;
          for (size_t i = 0; i < count; ++i) dropped += self->recent_[i].size();
          self->recent_.erase(self->recent_.begin(), self->recent_.begin() + count);
          self->recent_bytes_ -= dropped;
          self->base_ = merged;
          self->update_held_bytes();
        },
        /*must_run=*/true);
  });
  if (!submitted) merging_ = false;  // the pool is full; the next update tries again
}

void Room::maybe_compact() {
  if (compacting_ || rows_since_compaction_ <= services_.limits.compact_after) return;
  compacting_ = true;
  // Rows counted while it runs stay counted: they may be after what it compacts.
  bool submitted =
      services_.pool.try_submit([self = shared_from_this(), counted = rows_since_compaction_] {
        auto& s = self->services_;
        if (auto token = s.compaction_lock.try_lock(self->key_, kCompactionLockTtl)) {
          try {
            // From the database, not from memory: the merge holds exactly the rows it replaces,
            // whichever instance appended them.
            auto rows = s.store.load(self->key_);
            if (rows.size() > 1) {
              std::vector<yjs::BytesView> views;
              for (const auto& row : rows) views.push_back(as_bytes(row.data));
              auto merged = yjs::merge_updates(views);
              s.store.compact(
                  self->key_, std::string(self->project_id()), rows.back().seq,
                  std::string_view(reinterpret_cast<const char*>(merged.data()), merged.size()));
            }
          } catch (const std::exception& e) {
            log::warn("collab compaction failed", {{"room", self->key_}, {"error", e.what()}});
          }
          s.compaction_lock.unlock(self->key_, *token);
        }
        self->post(
            [self, counted] {
              self->compacting_ = false;
              self->rows_since_compaction_ -= std::min(counted, self->rows_since_compaction_);
              self->maybe_compact();
            },
            /*must_run=*/true);
      });
  if (!submitted) compacting_ = false;
}

void Room::update_held_bytes() { held_bytes_.store(base_.size() + recent_bytes_); }

void Room::send_awareness_states(Peer& peer) {
  std::vector<yjs::AwarenessEntry> entries;
  entries.reserve(awareness_.size());
  for (const auto& [client, state] : awareness_) entries.push_back(state.entry);
  peer.send(as_string(yjs::encode_awareness_message(yjs::encode_awareness_update(entries))));
}

void Room::broadcast(const std::string& message) {
  for (const auto& member : members_) member.peer->send(message);
}

}  // namespace od::collab
