// A bounded byte pipe between a connection's network coroutine and a worker thread, used both
// ways: request bodies (the network side offers, the handler reads) and produced response bodies
// (the producer writes, the network side takes). The worker side blocks on a condition variable;
// the network side never blocks: it polls and is woken through `wakeup` (which must only
// schedule work) whenever the other side makes progress or goes away.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "core/error.h"
#include "http/message.h"

namespace od::http {

class BodyPipe : public BodyReader, public BodyWriter {
 public:
  explicit BodyPipe(size_t max_buffered_bytes) : max_bytes_(max_buffered_bytes) {}

  // Worker side.
  size_t read(char* out, size_t max) override;  // BodyReader
  bool write(std::string chunk) override;       // BodyWriter

  // Network side, never blocking.
  bool has_room() const;              // offer() would not overfill the buffer
  void offer(std::string chunk);      // appends, even past the bound (check has_room first)
  std::optional<std::string> take();  // the oldest chunk, if any
  bool drained() const;               // writing has finished and nothing is left to take
  void set_wakeup(std::function<void()> wakeup);

  // Either side.
  void finish_writing();      // the end of the data: read() returns 0 once the buffer is empty
  void fail(ApiError error);  // the writer cannot complete: read() throws `error`
  bool failed() const;
  void abandon();  // the reader is done (or gone): write() returns false from now on
  bool abandoned() const;

 private:
  void changed(std::unique_lock<std::mutex>& lock);

  const size_t max_bytes_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::string> chunks_;
  size_t buffered_ = 0;
  size_t front_offset_ = 0;  // bytes of chunks_.front() already read
  bool finished_ = false;
  bool abandoned_ = false;
  std::optional<ApiError> error_;
  std::function<void()> wakeup_;
};

}  // namespace od::http
