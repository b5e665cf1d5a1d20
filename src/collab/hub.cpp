#include "collab/hub.h"

#include "core/ids.h"
#include "core/log.h"
#include "core/time.h"

namespace od::collab {

Hub::Hub(CollabStore& store, SessionStore& sessions, HubOptions options,
         std::unique_ptr<RoomBus> bus, std::unique_ptr<CompactionLock> lock)
    : store_(store),
      sessions_(sessions),
      options_(options),
      instance_id_(new_id()),
      bus_(bus ? std::move(bus) : make_local_room_bus()),
      lock_(lock ? std::move(lock) : make_local_compaction_lock()),
      pool_(std::max<size_t>(1, options.threads), options.max_queued_tasks, "collab"),
      log_(store),
      room_services_{store_, sessions_, *bus_, *lock_, pool_, instance_id_, log_, options.room} {
  bus_->start([this](RoomMessage message) { deliver(std::move(message)); },
              [this] {
                for (auto& room : rooms_where([](const Room&) { return true; })) room->resync();
              });
  timer_.after(options_.heartbeat, [this] { heartbeat(); });
}

Hub::~Hub() {
  bus_->stop();  // no more deliveries into rooms_ while it goes away
  log_.stop();   // commits what is queued; the rooms' follow-ups land on the pool
  pool_.shutdown();
}

std::shared_ptr<Room> Hub::join(const RoomName& name, std::shared_ptr<Peer> peer) {
  std::string key = name.full();
  std::lock_guard lock(mutex_);
  auto it = rooms_.find(key);
  bool created = it == rooms_.end();
  if (created) {
    auto room = std::make_shared<Room>(name, room_services_);
    it = rooms_.emplace(room->key(), Entry{room, 0, {}}).first;
  }
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
  auto it = rooms_.find(room->key());
  if (it == rooms_.end() || it->second.room != room) return;
  if (--it->second.peers > 0) return;
  if (options_.idle_unload.count() == 0) {
    rooms_.erase(it);
  } else {
    it->second.idle_since = std::chrono::steady_clock::now();
  }
}

bool Hub::claim_user_slot(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  auto& held = user_slots_[user_id];
  if (held >= options_.max_rooms_per_user) return false;
  ++held;
  return true;
}

void Hub::release_user_slot(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  auto it = user_slots_.find(user_id);
  if (it == user_slots_.end()) return;
  if (--it->second == 0) user_slots_.erase(it);
}

void Hub::deliver(RoomMessage message) {
  if (message.origin == instance_id_) return;  // our own, echoed by Redis
  if (message.kind == RoomMessage::Kind::kNotice) {
    for (auto& room : rooms_where([&](const Room& r) { return r.project_id() == message.room; })) {
      room->notice(message.payload);
    }
    return;
  }
  std::shared_ptr<Room> room;
  {
    std::lock_guard lock(mutex_);
    auto it = rooms_.find(message.room);
    if (it == rooms_.end()) return;  // not open here: a later load reads the database
    room = it->second.room;
  }
  if (message.kind == RoomMessage::Kind::kReset) {
    room->reset();
  } else {
    room->remote(std::move(message));
  }
}

void Hub::reset_rooms(const std::vector<std::string>& rooms) {
  for (const auto& name : rooms) {
    bus_->publish({RoomMessage::Kind::kReset, instance_id_, name, 0, ""});
    std::shared_ptr<Room> room;
    {
      std::lock_guard lock(mutex_);
      auto it = rooms_.find(name);
      if (it != rooms_.end()) room = it->second.room;
    }
    if (room) room->reset();
  }
}

void Hub::notify_project(const std::string& project_id, const std::string& json) {
  bus_->publish({RoomMessage::Kind::kNotice, instance_id_, project_id, 0, json});
  for (auto& room : rooms_where([&](const Room& r) { return r.project_id() == project_id; })) {
    room->notice(json);
  }
}

void Hub::heartbeat() {
  auto now = std::chrono::steady_clock::now();
  std::vector<std::shared_ptr<Room>> open;
  {
    std::lock_guard lock(mutex_);
    for (auto it = rooms_.begin(); it != rooms_.end();) {
      if (it->second.peers == 0 && now - it->second.idle_since >= options_.idle_unload) {
        it = rooms_.erase(it);
      } else {
        open.push_back(it->second.room);
        ++it;
      }
    }
  }
  for (auto& room : open) room->tick();
  // Database work goes to the pool; the timer thread only schedules.
  run([this] {
    try {
      int64_t now_at = now_ms();
      auto ttl = std::chrono::milliseconds(options_.room.session_ttl).count();
      sessions_.refresh(instance_id_, now_at + ttl);
      sessions_.sweep(now_at);
    } catch (const std::exception& e) {
      log::warn("collab session heartbeat failed", {{"error", e.what()}});
    }
  });
  timer_.after(options_.heartbeat, [this] { heartbeat(); });
}

std::vector<std::shared_ptr<Room>> Hub::rooms_where(const std::function<bool(const Room&)>& match) {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Room>> out;
  for (const auto& [name, entry] : rooms_) {
    if (match(*entry.room)) out.push_back(entry.room);
  }
  return out;
}

size_t Hub::open_rooms() const {
  std::lock_guard lock(mutex_);
  return rooms_.size();
}

size_t Hub::connections() const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& [name, entry] : rooms_) n += entry.peers;
  return n;
}

size_t Hub::held_bytes() const {
  std::lock_guard lock(mutex_);
  size_t n = 0;
  for (const auto& [name, entry] : rooms_) n += entry.room->held_bytes();
  return n;
}

}  // namespace od::collab
