// One open collaborative document. It holds no Y.Doc: its state is the merged encoded Yjs update
// (what the engine in src/engines/yjs works on), the awareness states of the clients present and
// the peers connected. Everything that touches it runs on its SerialQueue, off the network
// threads: y-websocket's protocol (SyncStep1 -> SyncStep2, updates relayed to everyone including
// the sender, awareness relayed and cleared when a connection leaves), validation of every
// update, and the durable append that precedes every relay.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "collab/peer.h"
#include "collab/room_name.h"
#include "collab/serial_queue.h"
#include "collab/store.h"
#include "collab/update_log.h"
#include "engines/yjs/sync_protocol.h"

namespace od::collab {

struct RoomLimits {
  size_t max_document_bytes = 64 << 20;  // merged state; an update beyond it is refused (1009)
  size_t compact_after = 500;            // stored rows before they are merged into one
  size_t max_awareness_clients = 1000;   // awareness states kept per room; more are not stored
  size_t max_pending_tasks = 10000;      // queued messages per room; beyond, senders get 1013
};

class Room : public std::enable_shared_from_this<Room> {
 public:
  Room(RoomName name, CollabStore& store, UpdateLog& log, WorkerPool& pool, RoomLimits limits);

  const RoomName& name() const { return name_; }

  // Each queues the work on the room; false when the room is overloaded (the caller closes).
  bool join(std::shared_ptr<Peer> peer);
  bool receive(std::shared_ptr<Peer> peer, std::string frame);
  // Always runs; `then` runs on the room's queue after the peer is gone and every update the
  // room was given is stored (so a room unloaded then reloaded sees them all).
  void leave(std::shared_ptr<Peer> peer, std::function<void()> then);

  // For tests and metrics, on the room's queue only.
  size_t stored_rows() const { return stored_rows_; }

 private:
  struct Member {
    std::set<std::uint64_t> clients;  // awareness client ids this connection announced
  };

  // The rest runs on queue_.
  bool ensure_loaded();
  void handle_join(const std::shared_ptr<Peer>& peer);
  void handle_frame(const std::shared_ptr<Peer>& peer, const std::string& frame);
  void handle_update(const std::shared_ptr<Peer>& peer, std::span<const std::uint8_t> update);
  // An update's append to the log finished: relay it, or shed its sender when it failed.
  void handle_stored(const std::shared_ptr<Peer>& peer, const std::string& update,
                     std::optional<int64_t> seq);
  void after_stored(std::function<void()> then);
  void handle_awareness(const std::shared_ptr<Peer>& peer, std::span<const std::uint8_t> payload,
                        const std::string& frame);
  void handle_leave(const std::shared_ptr<Peer>& peer);
  void send_awareness_states(Peer& peer);
  void broadcast(const std::string& message);

  const RoomName name_;
  const std::string key_;  // name_.full()
  CollabStore& store_;
  UpdateLog& log_;
  const RoomLimits limits_;
  std::shared_ptr<SerialQueue> queue_;
  bool loaded_ = false;
  std::vector<std::uint8_t> state_;  // the merged update
  size_t stored_rows_ = 0;
  size_t appending_ = 0;                             // updates handed to the log, not yet stored
  std::vector<std::function<void()>> after_stored_;  // run once appending_ is back to 0
  std::map<std::shared_ptr<Peer>, Member> members_;
  std::map<std::uint64_t, yjs::AwarenessEntry> awareness_;
};

}  // namespace od::collab
