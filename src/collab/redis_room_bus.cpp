// The Redis transport of RoomBus (redis/pubsub.h): every instance PSUBSCRIBEs to the whole prefix
// and drops what it has no room for. An update skipped while Redis is unreachable is in the
// database: other instances reload it when they notice the gap, or when their reader is back
// (`resubscribed`).
#include "collab/room_bus.h"
#include "core/log.h"
#include "redis/pubsub.h"

namespace od::collab {
namespace {

class RedisRoomBus : public RoomBus {
 public:
  RedisRoomBus(const std::string& url, std::string prefix)
      : prefix_(std::move(prefix)),
        publisher_(redis::parse_url(url), "collab",
                   "other instances will reload from the database"),
        subscriber_(redis::parse_url(url), prefix_, "collab") {}

  void stop() override { subscriber_.stop(); }

  void start(Deliver deliver, std::function<void()> resubscribed) override {
    subscriber_.start(
        [deliver = std::move(deliver)](std::string_view, std::string_view payload) {
          auto message = decode_room_message(payload);
          if (!message) {
            log::warn("collab: ignoring a malformed message from Redis");
            return;
          }
          deliver(std::move(*message));
        },
        std::move(resubscribed));
  }

  bool publish(const RoomMessage& message) override {
    std::string channel =
        prefix_ +
        (message.kind == RoomMessage::Kind::kNotice ? "notice:" + message.room : message.room);
    return publisher_.publish(channel, encode_room_message(message));
  }

 private:
  const std::string prefix_;
  redis::Publisher publisher_;
  redis::PatternSubscriber subscriber_;
};

}  // namespace

std::unique_ptr<RoomBus> make_redis_room_bus(const std::string& redis_url, std::string prefix) {
  return std::make_unique<RedisRoomBus>(redis_url, std::move(prefix));
}

}  // namespace od::collab
