#include "collab/room_bus.h"

#include "engines/yjs/error.h"
#include "engines/yjs/lib0_decoder.h"
#include "engines/yjs/lib0_encoder.h"

namespace od::collab {
namespace {

class LocalRoomBus : public RoomBus {
 public:
  void start(Deliver, std::function<void()>) override {}
  void stop() override {}
  bool publish(const RoomMessage&) override { return true; }
};

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

std::string encode_room_message(const RoomMessage& m) {
  yjs::Lib0Encoder e;
  e.write_var_uint(static_cast<std::uint64_t>(m.kind));
  e.write_var_string(m.origin);
  e.write_var_string(m.room);
  e.write_var_uint(static_cast<std::uint64_t>(m.seq));
  e.write_var_uint8_array(bytes_of(m.payload));
  auto out = e.take();
  return std::string(out.begin(), out.end());
}

std::optional<RoomMessage> decode_room_message(std::string_view bytes) {
  try {
    yjs::Lib0Decoder d(bytes_of(bytes));
    RoomMessage m;
    std::uint64_t kind = d.read_var_uint();
    if (kind > static_cast<std::uint64_t>(RoomMessage::Kind::kNotice)) return std::nullopt;
    m.kind = static_cast<RoomMessage::Kind>(kind);
    m.origin = std::string(d.read_var_string());
    m.room = std::string(d.read_var_string());
    std::uint64_t seq = d.read_var_uint();
    if (seq > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    m.seq = static_cast<std::int64_t>(seq);
    auto payload = d.read_var_uint8_array();
    m.payload.assign(reinterpret_cast<const char*>(payload.data()), payload.size());
    if (d.has_content()) return std::nullopt;
    return m;
  } catch (const yjs::DecodeError&) {
    return std::nullopt;
  }
}

std::unique_ptr<RoomBus> make_local_room_bus() { return std::make_unique<LocalRoomBus>(); }

}  // namespace od::collab
