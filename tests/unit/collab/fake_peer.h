// A room member for tests: records what the room sends it.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "collab/peer.h"
#include "engines/yjs/sync_protocol.h"

namespace od::collab {

class FakePeer : public Peer {
 public:
  explicit FakePeer(std::string user, bool notices = false)
      : user_(std::move(user)), notices_(notices) {}
  void send(std::string message) override {
    std::lock_guard lock(mutex_);
    messages_.push_back(std::move(message));
  }
  void close(std::uint16_t code, std::string) override {
    std::lock_guard lock(mutex_);
    closed_ = code;
  }
  bool writable() const override { return true; }
  const std::string& user_id() const override { return user_; }
  bool wants_notices() const override { return notices_; }

  std::vector<yjs::Message> decoded() {
    std::lock_guard lock(mutex_);
    std::vector<yjs::Message> out;
    for (const auto& m : messages_) {
      out.push_back(
          yjs::decode_message({reinterpret_cast<const std::uint8_t*>(m.data()), m.size()}));
    }
    return out;
  }
  std::vector<std::string> raw() {
    std::lock_guard lock(mutex_);
    return messages_;
  }
  size_t count(yjs::SyncType type) {
    size_t n = 0;
    for (const auto& m : decoded()) n += m.type == yjs::MessageType::kSync && m.sync_type == type;
    return n;
  }

 private:
  std::string user_;
  bool notices_;
  std::mutex mutex_;
  std::vector<std::string> messages_;  // copies: decoded() spans point into them
  int closed_ = 0;
};

}  // namespace od::collab
