// The open rooms of this instance: a room is loaded from the store when its first connection
// joins and unloaded when its last one leaves. Owns the worker pool the rooms run on, so database
// writes and Yjs merges never run on the network threads.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "collab/peer.h"
#include "collab/room.h"
#include "collab/store.h"
#include "collab/update_log.h"
#include "core/worker_pool.h"

namespace od::collab {

struct HubOptions {
  size_t threads = 2;
  size_t max_queued_tasks = 65536;  // across rooms; a full pool makes joins and messages 1013
  RoomLimits room;
};

class Hub {
 public:
  Hub(CollabStore& store, HubOptions options);
  ~Hub();  // stores pending updates and finishes the rooms' queued work before the store goes
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // The room `peer` joined, or null when the server is overloaded (then nothing was taken).
  std::shared_ptr<Room> join(const RoomName& name, std::shared_ptr<Peer> peer);
  // Every join is paired with one leave; the room unloads after its last.
  void leave(const std::shared_ptr<Room>& room, std::shared_ptr<Peer> peer);

  size_t open_rooms() const;
  UpdateLog::Stats log_stats() const { return log_.stats(); }

 private:
  struct Entry {
    std::shared_ptr<Room> room;
    size_t peers = 0;
  };
  void release(const std::shared_ptr<Room>& room);

  CollabStore& store_;
  const HubOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> rooms_;
  WorkerPool pool_;
  UpdateLog log_;  // after pool_: its callbacks post to the rooms' queues on the pool
};

}  // namespace od::collab
