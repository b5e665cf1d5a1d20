// y-protocols message framing (sync.js, awareness.js, as y-websocket uses them): one message per
// WebSocket frame, `varUint(messageType) payload`.
//   messageSync = 0:      varUint(syncType) varUint8Array(data); syncType 0 = step 1 (data is a
//                         state vector), 1 = step 2 and 2 = update (data is a v1 update)
//   messageAwareness = 1: varUint8Array(awarenessUpdate), where awarenessUpdate is
//                         varUint(n) (varUint(clientId) varUint(clock) varString(stateJson))*
//   messageAuth = 2 and messageQueryAwareness = 3 are y-websocket conventions, framed here too.
//   Auth sub-type 0 is y-protocols' permission-denied (server to client); sub-type 1 is this
//   server's token message (client to server): varUint(2) varUint(1) varString(accessToken).
// Decoding checks framing and that awareness states are JSON; the update or state vector inside
// a sync message is returned as bytes for update_ops.h to validate.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace od::yjs {

enum class MessageType : std::uint64_t {
  kSync = 0,
  kAwareness = 1,
  kAuth = 2,
  kQueryAwareness = 3,
};

enum class SyncType : std::uint64_t {
  kStep1 = 0,
  kStep2 = 1,
  kUpdate = 2,
};

enum class AuthType : std::uint64_t {
  kPermissionDenied = 0,
  kToken = 1,
};

struct AwarenessEntry {
  std::uint64_t client = 0;
  std::uint64_t clock = 0;
  std::string state_json;  // "null" when the client went away
  bool operator==(const AwarenessEntry&) const = default;
};

// A decoded message. `payload` points into the decoded frame: the state vector or update of a
// sync message, the awareness update of an awareness message, the reason text (auth sub-type 0,
// permission denied) or the token (sub-type 1) of an auth message, and empty for query-awareness.
struct Message {
  MessageType type = MessageType::kSync;
  SyncType sync_type = SyncType::kStep1;             // kSync only
  AuthType auth_type = AuthType::kPermissionDenied;  // kAuth only
  std::span<const std::uint8_t> payload;
};

// Exactly one message (what y-websocket clients up to v3 send and read per frame). Throws
// DecodeError on unknown types, bad framing or trailing bytes.
Message decode_message(std::span<const std::uint8_t> frame);
// One or more messages back to back, as @y/websocket 4 may pack them into one frame.
std::vector<Message> decode_messages(std::span<const std::uint8_t> frame);

std::vector<std::uint8_t> encode_sync_step1(std::span<const std::uint8_t> state_vector);
std::vector<std::uint8_t> encode_sync_step2(std::span<const std::uint8_t> update);
std::vector<std::uint8_t> encode_sync_update(std::span<const std::uint8_t> update);
std::vector<std::uint8_t> encode_awareness_message(std::span<const std::uint8_t> awareness_update);
std::vector<std::uint8_t> encode_query_awareness();
std::vector<std::uint8_t> encode_permission_denied(const std::string& reason);
std::vector<std::uint8_t> encode_auth_token(const std::string& token);

std::vector<AwarenessEntry> decode_awareness_update(std::span<const std::uint8_t> bytes);
std::vector<std::uint8_t> encode_awareness_update(const std::vector<AwarenessEntry>& entries);

}  // namespace od::yjs
