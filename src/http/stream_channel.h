// The StreamChannel the server drains (make_stream() returns one). Producers push from any
// thread; the server takes the buffered chunks from its network thread when woken. The buffer is
// bounded: a client too slow to keep up is cut off (the stream closes and push() returns false)
// rather than growing memory without end; SSE clients reconnect and resume on their own.
#pragma once

#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "http/message.h"

namespace od::http {

class BufferedStream : public StreamChannel {
 public:
  explicit BufferedStream(size_t max_buffered_chunks) : max_chunks_(max_buffered_chunks) {}

  bool push(std::string chunk) override;
  void close() override;
  bool closed() const override;
  void on_close(std::function<void()> callback) override;

  // Server side. `wakeup` runs (on the producer's thread) after each push and on close; it must
  // only schedule work, never write. Moves buffered chunks into `out`; false once the stream is
  // closed and nothing is left to write.
  void set_wakeup(std::function<void()> wakeup);
  bool take(std::vector<std::string>& out);
  // The server is done with the stream (client gone, finished, or draining): closes it and runs
  // the on_close callbacks, once.
  void finish();

 private:
  void notify();

  const size_t max_chunks_;
  mutable std::mutex mutex_;
  std::deque<std::string> chunks_;
  bool closed_ = false;
  bool finished_ = false;
  std::function<void()> wakeup_;
  std::vector<std::function<void()>> on_close_;
};

}  // namespace od::http
