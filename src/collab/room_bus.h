// Room traffic between server instances. With --redis, every instance publishes what its rooms
// accept (updates, after they are stored; awareness; restores; comment notices) on a channel per
// room, and hands what the others publish to its own open rooms. Without Redis there are no
// other instances and publishing does nothing. Messages carry the publishing instance's id so an
// instance skips its own echoes, and an update carries its row number in collab_updates so a
// receiver that sees a gap (a message lost while Redis was away) can reload the missing rows.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace od::collab {

struct RoomMessage {
  enum class Kind : std::uint8_t { kUpdate = 0, kAwareness = 1, kReset = 2, kNotice = 3 };
  Kind kind = Kind::kUpdate;
  std::string origin;    // instance id of the publisher
  std::string room;      // full room name; for kNotice the project id
  std::int64_t seq = 0;  // kUpdate: its row in collab_updates
  std::string payload;   // update bytes, awareness update, or notice JSON
};

std::string encode_room_message(const RoomMessage& message);
// Null for bytes that are not a RoomMessage.
std::optional<RoomMessage> decode_room_message(std::string_view bytes);

class RoomBus {
 public:
  using Deliver = std::function<void(RoomMessage)>;
  virtual ~RoomBus() = default;
  // Starts delivering other instances' messages to `deliver` (on the bus's reader thread; it must
  // not block). `resubscribed` runs after a reconnection, when messages may have been missed.
  virtual void start(Deliver deliver, std::function<void()> resubscribed) = 0;
  // Stops delivering (joins the reader); publish() still works. Idempotent.
  virtual void stop() = 0;
  // Blocking, bounded by a short timeout; false when the message could not be sent.
  virtual bool publish(const RoomMessage& message) = 0;
};

// For one instance: nothing to send to, nothing to receive.
std::unique_ptr<RoomBus> make_local_room_bus();
// Redis pub/sub on channels `<prefix><room>` (notices on `<prefix>notice:<project>`).
std::unique_ptr<RoomBus> make_redis_room_bus(const std::string& redis_url,
                                             std::string prefix = "od:collab:");

}  // namespace od::collab
