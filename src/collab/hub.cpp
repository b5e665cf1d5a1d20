#include "collab/hub.h"

#include "core/metrics.h"

namespace od::collab {

Hub::Hub(CollabStore& store, HubOptions options)
    : store_(store),
      options_(options),
      pool_(std::max<size_t>(1, options.threads), options.max_queued_tasks, "collab"),
      log_(store) {}

Hub::~Hub() {
  log_.stop();  // commits what is queued; the rooms' follow-ups land on the pool
  pool_.shutdown();
}

std::shared_ptr<Room> Hub::join(const RoomName& name, std::shared_ptr<Peer> peer) {
  std::lock_guard lock(mutex_);
  auto [it, created] = rooms_.try_emplace(name.full());
  if (created) it->second.room = std::make_shared<Room>(name, store_, log_, pool_, options_.room);
  auto room = it->second.room;
  if (!room->join(std::move(peer))) {
    if (created) rooms_.erase(it);
    return nullptr;
  }
  ++it->second.peers;
  return room;
}

void Hub::leave(const std::shared_ptr<Room>& room, std::shared_ptr<Peer> peer) {
  // Released on the room's queue, after everything the peer sent: a room that unloads has
  // stored all it was given, so the next load sees it.
  room->leave(std::move(peer), [this, room] { release(room); });
}

void Hub::release(const std::shared_ptr<Room>& room) {
  std::lock_guard lock(mutex_);
  auto it = rooms_.find(room->name().full());
  if (it == rooms_.end() || it->second.room != room) return;
  if (--it->second.peers == 0) rooms_.erase(it);
}

size_t Hub::open_rooms() const {
  std::lock_guard lock(mutex_);
  return rooms_.size();
}

}  // namespace od::collab
