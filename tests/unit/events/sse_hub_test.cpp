// SSE subscribers: events become SSE frames, every event is re-authorised (a caller who lost
// access gets `revoked` and the stream ends), heartbeats flow, and a closed stream releases its
// bus subscription.
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "events/sse_hub.h"
#include "http/stream_channel.h"

namespace od::events {
namespace {

using namespace std::chrono_literals;

// The server's side of a stream: waits (with a deadline) for what the hub pushes.
class StreamReader {
 public:
  StreamReader() : stream_(std::static_pointer_cast<http::BufferedStream>(http::make_stream(64))) {
    stream_->set_wakeup([this] {
      std::lock_guard lock(mutex_);
      ++wakeups_;
      changed_.notify_all();
    });
  }

  std::shared_ptr<http::StreamChannel> channel() const { return stream_; }
  http::BufferedStream& raw() { return *stream_; }

  // Everything written so far, waiting until it contains `needle` or the stream ends.
  std::string read_until(const std::string& needle, std::chrono::milliseconds timeout = 10s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (text_.find(needle) == std::string::npos) {
      std::vector<std::string> chunks;
      bool open = stream_->take(chunks);
      for (auto& c : chunks) text_ += c;
      if (!open || text_.find(needle) != std::string::npos) break;
      std::unique_lock lock(mutex_);
      size_t seen = wakeups_;
      if (!changed_.wait_until(lock, deadline, [&] { return wakeups_ != seen; })) break;
    }
    return text_;
  }

  // Waits (with a deadline) for the stream to end; true when it did.
  bool ended(std::chrono::milliseconds timeout = 10s) {
    read_until(std::string(1, '\0'), timeout);  // never written: reads until the end
    std::vector<std::string> chunks;
    bool open = stream_->take(chunks);
    for (auto& c : chunks) text_ += c;
    return !open;
  }

 private:
  std::shared_ptr<http::BufferedStream> stream_;
  std::mutex mutex_;
  std::condition_variable changed_;
  size_t wakeups_ = 0;
  std::string text_;
};

// Who may read what, changeable while streams are open.
class Access {
 public:
  void grant(const std::string& topic) {
    std::lock_guard lock(mutex_);
    readable_.insert(topic);
  }
  void revoke(const std::string& topic) {
    std::lock_guard lock(mutex_);
    readable_.erase(topic);
  }
  ReadCheck check() {
    return [this](const auth::Principal&, const std::string& topic) {
      std::lock_guard lock(mutex_);
      return readable_.count(topic) > 0;
    };
  }

 private:
  std::mutex mutex_;
  std::set<std::string> readable_;
};

const auth::Principal kAda{"ada", "user"};

TEST(SseHub, WritesThePreambleAndEventsAsFrames) {
  auto bus = make_memory_bus();
  Access access;
  access.grant("project:1");
  SseHub hub(*bus, access.check());
  StreamReader reader;
  hub.attach(reader.channel(), kAda, {"project:1"});
  EXPECT_EQ(hub.size(), 1u);
  std::string text = reader.read_until(": connected\n\n");
  EXPECT_NE(text.find("retry: 3000\n"), std::string::npos);

  bus->publish({"project:1", "project.updated", {{"revision", 4}}, "ev-1", 1000});
  text = reader.read_until("id: ev-1\nevent: project.updated\ndata: {");
  size_t data = text.find("data: {");
  ASSERT_NE(data, std::string::npos) << text;
  auto json = nlohmann::json::parse(text.substr(data + 6, text.find('\n', data) - data - 6));
  EXPECT_EQ(json["data"]["revision"], 4);
  EXPECT_EQ(json["topic"], "project:1");
  EXPECT_EQ(json["at"], "1970-01-01T00:00:01.000Z");
}

TEST(SseHub, RevokesWhenTheCallerLosesAccess) {
  auto bus = make_memory_bus();
  Access access;
  access.grant("project:1");
  SseHub hub(*bus, access.check());
  StreamReader reader;
  hub.attach(reader.channel(), kAda, {"project:1"});
  reader.read_until(": connected");

  access.revoke("project:1");
  bus->publish({"project:1", "project.member_changed", {}, "ev-2", 0});
  std::string text = reader.read_until("event: revoked\n");
  EXPECT_NE(text.find("event: revoked\ndata: {"), std::string::npos) << text;
  EXPECT_EQ(text.find("project.member_changed"), std::string::npos) << "leaked after revocation";
  EXPECT_TRUE(reader.ended());
  EXPECT_EQ(hub.size(), 0u);
  EXPECT_EQ(bus->subscriber_count(), 0u);
}

TEST(SseHub, ForwardsTheDeletionThatEndsAccess) {
  auto bus = make_memory_bus();
  Access access;
  access.grant("project:1");
  SseHub hub(*bus, access.check());
  StreamReader reader;
  hub.attach(reader.channel(), kAda, {"project:1"});
  reader.read_until(": connected");
  access.revoke("project:1");  // deleted: nobody may read it any more
  bus->publish({"project:1", "project.deleted", {}, "ev-3", 0});
  std::string text = reader.read_until("event: revoked\n");
  EXPECT_NE(text.find("event: project.deleted\n"), std::string::npos) << text;
  EXPECT_LT(text.find("project.deleted"), text.find("revoked"));
  EXPECT_TRUE(reader.ended());
}

TEST(SseHub, ReleasesTheSubscriptionWhenTheClientGoes) {
  auto bus = make_memory_bus();
  Access access;
  access.grant("project:1");
  SseHub hub(*bus, access.check());
  StreamReader reader;
  hub.attach(reader.channel(), kAda, {"project:1"});
  EXPECT_EQ(bus->subscriber_count(), 1u);
  reader.raw().finish();  // what the server does when the client disconnects
  EXPECT_EQ(bus->subscriber_count(), 0u);
  EXPECT_EQ(hub.size(), 0u);
}

TEST(SseHub, SendsHeartbeats) {
  auto bus = make_memory_bus();
  Access access;
  SseOptions options;
  options.heartbeat = 20ms;
  SseHub hub(*bus, access.check(), options);
  StreamReader reader;
  hub.attach(reader.channel(), kAda, {"project:1"});
  std::string text = reader.read_until(": heartbeat\n\n");
  EXPECT_NE(text.find(": heartbeat\n\n"), std::string::npos);
  reader.raw().finish();
}

TEST(SseHub, CutsOffAStreamThatFallsBehind) {
  auto bus = make_memory_bus();
  Access access;
  access.grant("t");
  SseHub hub(*bus, access.check());
  StreamReader reader;  // buffers 64 chunks, and nobody reads them
  hub.attach(reader.channel(), kAda, {"t"});
  for (int i = 0; i < 100; ++i) bus->publish({"t", "x", {}, "", 0});
  // The check pool writes asynchronously: poll, with a deadline, for it to give up on the stream.
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (hub.size() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(1ms);
  }
  EXPECT_EQ(hub.size(), 0u);
  EXPECT_EQ(bus->subscriber_count(), 0u);
  EXPECT_TRUE(reader.raw().closed());
}

TEST(SseFrame, KeepsFieldsOnOneLine) {
  std::string frame = sse_frame({"t", "evil\nevent: x", {{"text", "a\nb"}}, "id\r1", 0});
  EXPECT_EQ(frame.find("\nevent: x"), std::string::npos);
  EXPECT_NE(frame.find("id: id 1\n"), std::string::npos);
  EXPECT_EQ(std::count(frame.begin(), frame.end(), '\n'), 4);
}

}  // namespace
}  // namespace od::events
