#include "engines/yjs/sync_protocol.h"

#include <nlohmann/json.hpp>

#include "engines/yjs/error.h"
#include "engines/yjs/lib0_decoder.h"
#include "engines/yjs/lib0_encoder.h"

namespace od::yjs {
namespace {

std::vector<std::uint8_t> sync_message(SyncType type, std::span<const std::uint8_t> data) {
  Lib0Encoder e;
  e.write_var_uint(static_cast<std::uint64_t>(MessageType::kSync));
  e.write_var_uint(static_cast<std::uint64_t>(type));
  e.write_var_uint8_array(data);
  return e.take();
}

Message read_message(Lib0Decoder& d) {
  Message m;
  const std::uint64_t type = d.read_var_uint();
  switch (type) {
    case 0: {
      m.type = MessageType::kSync;
      const std::uint64_t sync = d.read_var_uint();
      if (sync > 2) throw DecodeError("unknown sync message type " + std::to_string(sync));
      m.sync_type = static_cast<SyncType>(sync);
      m.payload = d.read_var_uint8_array();
      break;
    }
    case 1:
      m.type = MessageType::kAwareness;
      m.payload = d.read_var_uint8_array();
      break;
    case 2: {
      m.type = MessageType::kAuth;
      const std::uint64_t auth = d.read_var_uint();
      if (auth > 1) throw DecodeError("unknown auth message type");
      m.auth_type = static_cast<AuthType>(auth);
      const std::string_view text = d.read_var_string();
      m.payload = {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
      break;
    }
    case 3:
      m.type = MessageType::kQueryAwareness;
      break;
    default:
      throw DecodeError("unknown message type " + std::to_string(type));
  }
  return m;
}

}  // namespace

Message decode_message(std::span<const std::uint8_t> frame) {
  Lib0Decoder d(frame);
  Message m = read_message(d);
  if (d.has_content()) throw DecodeError("trailing bytes after message");
  return m;
}

std::vector<Message> decode_messages(std::span<const std::uint8_t> frame) {
  Lib0Decoder d(frame);
  std::vector<Message> out;
  do {
    out.push_back(read_message(d));
  } while (d.has_content());
  return out;
}

std::vector<std::uint8_t> encode_sync_step1(std::span<const std::uint8_t> state_vector) {
  return sync_message(SyncType::kStep1, state_vector);
}
std::vector<std::uint8_t> encode_sync_step2(std::span<const std::uint8_t> update) {
  return sync_message(SyncType::kStep2, update);
}
std::vector<std::uint8_t> encode_sync_update(std::span<const std::uint8_t> update) {
  return sync_message(SyncType::kUpdate, update);
}

std::vector<std::uint8_t> encode_awareness_message(std::span<const std::uint8_t> awareness_update) {
  Lib0Encoder e;
  e.write_var_uint(static_cast<std::uint64_t>(MessageType::kAwareness));
  e.write_var_uint8_array(awareness_update);
  return e.take();
}

std::vector<std::uint8_t> encode_query_awareness() {
  return {static_cast<std::uint8_t>(MessageType::kQueryAwareness)};
}

std::vector<std::uint8_t> encode_permission_denied(const std::string& reason) {
  Lib0Encoder e;
  e.write_var_uint(static_cast<std::uint64_t>(MessageType::kAuth));
  e.write_var_uint(0);  // y-protocols auth.js messagePermissionDenied
  e.write_var_string(reason);
  return e.take();
}

std::vector<std::uint8_t> encode_auth_token(const std::string& token) {
  Lib0Encoder e;
  e.write_var_uint(static_cast<std::uint64_t>(MessageType::kAuth));
  e.write_var_uint(static_cast<std::uint64_t>(AuthType::kToken));
  e.write_var_string(token);
  return e.take();
}

std::vector<AwarenessEntry> decode_awareness_update(std::span<const std::uint8_t> bytes) {
  Lib0Decoder d(bytes);
  const std::uint64_t n = d.read_var_uint();
  d.expect_items(n, 3);
  std::vector<AwarenessEntry> entries;
  entries.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    AwarenessEntry entry;
    entry.client = d.read_var_uint();
    entry.clock = d.read_var_uint();
    entry.state_json = d.read_var_string();
    // Peers JSON.parse the state, so anything else would break every other client in the room.
    if (!nlohmann::json::accept(entry.state_json)) throw DecodeError("awareness state is not JSON");
    entries.push_back(std::move(entry));
  }
  if (d.has_content()) throw DecodeError("trailing bytes after awareness update");
  return entries;
}

std::vector<std::uint8_t> encode_awareness_update(const std::vector<AwarenessEntry>& entries) {
  Lib0Encoder e;
  e.write_var_uint(entries.size());
  for (const AwarenessEntry& entry : entries) {
    e.write_var_uint(entry.client);
    e.write_var_uint(entry.clock);
    e.write_var_string(entry.state_json);
  }
  return e.take();
}

}  // namespace od::yjs
