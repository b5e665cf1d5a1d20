// One open collaborative document. It holds no Y.Doc: its state is a merged encoded Yjs update
// (the base) plus the updates received since (recent), the awareness states of the clients
// present and the peers connected. Everything that touches it runs on its SerialQueue, off the
// network threads: y-websocket's protocol (SyncStep1 -> SyncStep2, updates relayed to everyone
// including the sender, awareness relayed and cleared when a connection leaves), validation of
// every update, and the durable append that precedes every relay and every publication to other
// instances.
//
// Cost per update does not grow with the document: an update is validated, appended, published
// and relayed, and only joins the list of recent updates. A background merge folds them into
// the base on the worker pool (one at a time per room) once they are numerous and large enough
// relative to the base; a join or a SyncStep1, which need the whole state, merges what is left. The
// stored log is compacted in the background too, by whichever instance holds the room's compaction
// lock.
//
// With other instances (RoomBus), every update carries its seq; a room that sees a gap in the
// seqs (a message lost on the way) reloads the missing rows from the database on the next tick.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "collab/compaction_lock.h"
#include "collab/peer.h"
#include "collab/room_bus.h"
#include "collab/room_name.h"
#include "collab/serial_queue.h"
#include "collab/session_id.h"
#include "collab/session_store.h"
#include "collab/shared_bytes.h"
#include "collab/store.h"
#include "collab/update_log.h"
#include "engines/yjs/sync_protocol.h"

namespace od::collab {

// Close codes of this server beyond RFC 6455's (y-websocket does not reconnect on 4400-4499).
namespace room_close {
constexpr std::uint16_t kUnauthorized = 4401;  // no valid token (first message or query)
constexpr std::uint16_t kForbidden = 4403;
constexpr std::uint16_t kNotFound = 4404;  // no such room, or a project the caller may not see
// The document was restored from a snapshot: drop the local Y.Doc and open a fresh one (keeping
// it would merge the old content back).
constexpr std::uint16_t kRestored = 4410;
}  // namespace room_close

// Frame type of server notices (comment changes): varUint(100) varString(json). Sent only to
// connections that asked for them with `?notices=1`.
constexpr std::uint64_t kNoticeMessageType = 100;

struct RoomLimits {
  size_t max_document_bytes = 64 << 20;  // merged state; an update beyond it is refused (1009)
  size_t compact_after = 500;            // stored rows before they are merged into one
  size_t merge_after = 32;  // recent updates before a background merge (see maybe_merge)
  size_t max_awareness_clients = 1000;   // awareness states kept per room; more are not stored
  size_t max_pending_tasks = 10000;      // queued messages per room; beyond, senders get 1013
  std::chrono::seconds session_ttl{60};  // collab_sessions rows expire unless refreshed
};

// What a room uses, owned by the Hub and shared by all its rooms (a room keeps a reference, not
// a copy: an idle room's size is what matters at 10,000 rooms).
struct RoomServices {
  CollabStore& store;
  SessionStore& sessions;
  RoomBus& bus;
  CompactionLock& compaction_lock;
  WorkerPool& pool;
  const std::string& instance_id;
  UpdateLog& log;  // group commit of this instance's updates
  RoomLimits limits;
};

class Room : public std::enable_shared_from_this<Room> {
 public:
  // `services` must outlive the room.
  Room(const RoomName& name, const RoomServices& services);

  // The full room name (`project/{id}/...`) and its project.
  const std::string& key() const { return key_; }
  std::string_view project_id() const {
    return std::string_view(key_).substr(kRoomPrefix.size(), project_id_size_);
  }

  // Each queues the work on the room; false when the room is overloaded (the caller closes).
  bool join(std::shared_ptr<Peer> peer);
  bool receive(std::shared_ptr<Peer> peer, std::string frame);
  // Always runs; `then` runs on the room's queue after the peer is gone and every update the
  // room was given is stored (so a room unloaded, then loaded again, sees them all).
  void leave(std::shared_ptr<Peer> peer, std::function<void()> then);

  // From other instances (through the Hub).
  void remote(RoomMessage message);
  // Periodic upkeep: reload rows missed on the bus, expire other instances' stale awareness.
  void tick();
  // Reload everything after the bus reconnected (messages may have been lost).
  void resync();
  // The stored document was replaced (restore): close every connection with kRestored and load
  // the new state for the next join.
  void reset();
  // Sends `json` as a notice to the members that asked for notices.
  void notice(std::string json);

  // Bytes of document state held in memory (metrics); any thread.
  size_t held_bytes() const { return held_bytes_.load(); }

 private:
  // A vector of members, not a map: rooms have a few, and each map node cost an allocation.
  struct Member {
    std::shared_ptr<Peer> peer;
    SessionId session;                   // its collab_sessions row
    std::vector<std::uint64_t> clients;  // awareness client ids it announced (usually one)
  };
  struct Awareness {
    yjs::AwarenessEntry entry;
    bool local = false;  // announced by a connection of this instance
    std::chrono::steady_clock::time_point updated;
  };

  // Queues `task` on the room's queue, which keeps the room alive until it has run.
  bool post(std::function<void()> task, bool must_run = false) {
    return queue_.post(shared_from_this(), std::move(task), must_run);
  }
  // The rest runs on queue_.
  Member* find_member(const Peer* peer);
  bool ensure_loaded();
  std::span<const std::uint8_t> current_state();
  void handle_join(const std::shared_ptr<Peer>& peer);
  void handle_frame(const std::shared_ptr<Peer>& peer, const std::string& frame);
  void handle_update(const std::shared_ptr<Peer>& peer, std::span<const std::uint8_t> update);
  // An update's append finished: publish and relay it, or shed its sender when it failed.
  void handle_stored(const std::shared_ptr<Peer>& peer, const std::string& update,
                     std::optional<int64_t> seq);
  void after_stored(std::function<void()> then);
  void handle_awareness(const std::shared_ptr<Peer>& peer, std::span<const std::uint8_t> payload,
                        const std::string& frame);
  void handle_leave(const std::shared_ptr<Peer>& peer);
  void handle_remote(const RoomMessage& message);
  void apply_awareness(const std::vector<yjs::AwarenessEntry>& entries, Member* member);
  // False when `seq` was seen already.
  bool note_seq(int64_t seq);
  void catch_up();
  void add_recent(std::span<const std::uint8_t> update);
  void maybe_merge();
  void maybe_compact();
  void unload();
  void update_held_bytes();
  void send_awareness_states(Peer& peer);
  void broadcast(const std::string& message);

  // The one-byte fields sit together: a room's size counts (see RoomServices).
  const std::string key_;
  const RoomServices& services_;
  SerialQueue queue_;
  const std::uint8_t project_id_size_;  // after kRoomPrefix; at most kMaxProjectIdBytes
  bool loaded_ = false;
  bool merging_ = false;
  bool compacting_ = false;
  SharedBytes base_;
  std::vector<SharedBytes> recent_;
  size_t recent_bytes_ = 0;
  uint64_t epoch_ = 0;  // bumped when base_/recent_ change other than by a background merge
  size_t rows_since_compaction_ = 0;
  size_t appending_ = 0;                             // updates handed to the log, not yet stored
  std::vector<std::function<void()>> after_stored_;  // run once appending_ is back to 0
  int64_t contiguous_seq_ = 0;                       // every seq up to it has been applied
  std::set<int64_t> seen_above_;                     // applied seqs beyond contiguous_seq_
  std::chrono::steady_clock::time_point gap_since_;
  std::vector<Member> members_;
  std::map<std::uint64_t, Awareness> awareness_;
  std::atomic<size_t> held_bytes_{0};
};

}  // namespace od::collab
