#include "http/websocket_plain.h"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include <array>

namespace od::http::detail {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// How long a peer has to answer our close frame (or to finish sending its own) before the socket
// is cut; it also bounds how long a closing connection can hold up a drain.
constexpr auto kCloseTimeout = std::chrono::seconds(5);
// Reads per readiness wakeup before yielding to other connections on the thread.
constexpr int kReadsPerWakeup = 16;
// Every connection of a network thread reads into this and keeps only an incomplete frame.
thread_local std::array<char, 64 * 1024> read_buffer;

}  // namespace

PlainWebSocket::PlainWebSocket(asio::ip::tcp::socket socket, WebSocketOptions options,
                               std::shared_ptr<WebSocketSession> session,
                               std::shared_ptr<void> lease)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      options_(options),
      session_(std::move(session)),
      lease_(std::move(lease)),
      reader_(options.max_message_bytes) {}

void PlainWebSocket::start(std::string_view early) {
  boost::system::error_code ec;
  socket_.non_blocking(true, ec);  // reads after a readiness wakeup must never block the thread
  if (ec) {
    finish(close_code::kAbnormal);
    return;
  }
  last_heard_ = Clock::now();
  session_->on_open(shared_from_this());
  if (!early.empty() && !consume(early)) return;
  arm_timer(last_heard_ + options_.ping_interval);
  wait_readable();
}

bool PlainWebSocket::send(std::string message) {
  std::unique_lock lock(mutex_);
  if (closing_) return false;
  if (outbox_.size() >= options_.max_queued_messages) {
    lock.unlock();
    abort();  // the peer is not keeping up: drop it rather than buffer without end
    return false;
  }
  outbox_.push_back({ws::frame_header(ws::Opcode::kBinary, message.size()), std::move(message)});
  schedule_write();
  return true;
}

void PlainWebSocket::close(std::uint16_t code, std::string reason) {
  {
    std::lock_guard lock(mutex_);
    if (closing_) return;
    closing_ = true;
    close_frame_ = ws::close_frame(code, reason);
    schedule_write();
  }
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->begin_closing(); });
}

void PlainWebSocket::wait_readable() {
  socket_.async_wait(
      asio::ip::tcp::socket::wait_read,
      [self = shared_from_this()](const boost::system::error_code& ec) { self->on_readable(ec); });
}

void PlainWebSocket::on_readable(const boost::system::error_code& ec) {
  if (finished_) return;
  if (ec) {
    finish(close_received_ ? peer_code_ : close_code::kAbnormal);
    return;
  }
  for (int i = 0; i < kReadsPerWakeup; ++i) {
    boost::system::error_code read_ec;
    size_t n = socket_.read_some(asio::buffer(read_buffer), read_ec);
    if (read_ec == asio::error::would_block || read_ec == asio::error::try_again) break;
    if (read_ec) {  // end of stream or reset
      finish(close_received_ ? peer_code_ : close_code::kAbnormal);
      return;
    }
    if (!consume(std::string_view(read_buffer.data(), n))) return;
    if (n < read_buffer.size()) break;  // drained: the next read would block
  }
  wait_readable();
}

bool PlainWebSocket::consume(std::string_view bytes) {
  last_heard_ = Clock::now();
  pinged_ = false;
  std::vector<ws::FrameEvent> events;
  reader_.feed(bytes, events);
  for (auto& event : events) {
    if (finished_) return false;
    switch (event.kind) {
      case ws::FrameEvent::Kind::kMessage: {
        bool closing;
        {
          std::lock_guard lock(mutex_);
          closing = closing_;
        }
        // Once a close is under way the session hears nothing more.
        if (!closing) session_->on_message(std::move(event.payload), event.binary);
        break;
      }
      case ws::FrameEvent::Kind::kPing:
        queue_control(ws::control_frame(ws::Opcode::kPong, event.payload), false);
        break;
      case ws::FrameEvent::Kind::kPong:
        break;
      case ws::FrameEvent::Kind::kClose:
        close_received_ = true;
        peer_code_ = event.code == ws::kNoStatus ? close_code::kAbnormal : event.code;
        if (close_sent_) {
          finish(peer_code_);
          return false;
        }
        // Echo its code (ours goes instead when it is queued already).
        queue_control(ws::close_frame(event.code, {}), true);
        begin_closing();
        break;
      case ws::FrameEvent::Kind::kError:
        failed_ = true;
        queue_control(ws::close_frame(event.code, event.payload), true);
        begin_closing();
        break;
    }
  }
  return !finished_;
}

void PlainWebSocket::queue_control(std::string frame, bool is_close) {
  std::unique_lock lock(mutex_);
  if (is_close) {
    if (closing_) return;  // ours is queued or sent already
    closing_ = true;
    close_frame_ = std::move(frame);
  } else {
    if (closing_) return;
    // Pongs owed to a peer that pings without reading count against the same bound as messages:
    // past it the peer is dropped, not buffered for without end.
    if (outbox_.size() >= options_.max_queued_messages) {
      lock.unlock();
      abort();
      return;
    }
    outbox_.push_back({std::move(frame), {}});
  }
  schedule_write();
}

void PlainWebSocket::schedule_write() {
  if (write_active_) return;
  write_active_ = true;
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->write_more(); });
}

void PlainWebSocket::write_more() {
  {
    std::lock_guard lock(mutex_);
    if (finished_) {
      write_active_ = false;
      return;
    }
    if (!outbox_.empty()) {
      writing_.swap(outbox_);
    } else if (!close_frame_.empty() && !close_sent_) {
      writing_.push_back({std::move(close_frame_), {}});
      std::string().swap(close_frame_);
      writing_close_ = true;
    } else {
      write_active_ = false;
      return;
    }
  }
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(writing_.size() * 2);
  for (const auto& out : writing_) {
    buffers.emplace_back(asio::buffer(out.header));
    if (!out.payload.empty()) buffers.emplace_back(asio::buffer(out.payload));
  }
  asio::async_write(socket_, buffers,
                    [self = shared_from_this()](const boost::system::error_code& ec, size_t) {
                      self->on_written(ec);
                    });
}

void PlainWebSocket::on_written(const boost::system::error_code& ec) {
  std::vector<Outgoing>().swap(writing_);  // an idle connection holds no write buffer
  if (finished_) return;
  if (ec) {
    finish(close_code::kAbnormal);
    return;
  }
  if (writing_close_) {
    writing_close_ = false;
    close_sent_ = true;
    if (close_received_) {  // the handshake is complete: the server closes the TCP connection
      finish(peer_code_);
      return;
    }
    if (failed_) {
      // No close frame can be parsed after a broken one: say we are done and let the reader
      // drain until the peer closes too (closing now, with its bytes unread, would reset the
      // connection and could destroy our close frame before the peer reads it).
      boost::system::error_code ignored;
      socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    }
  }
  write_more();
}

void PlainWebSocket::arm_timer(Clock::time_point when) {
  timer_.expires_at(when);
  timer_.async_wait(
      [self = shared_from_this()](const boost::system::error_code& ec) { self->on_timer(ec); });
}

void PlainWebSocket::on_timer(const boost::system::error_code& ec) {
  if (ec == asio::error::operation_aborted || finished_) return;
  if (deadline_set_) {  // the close handshake did not finish in time
    finish(close_received_ ? peer_code_ : close_code::kAbnormal);
    return;
  }
  const auto now = Clock::now();
  const auto interval = options_.ping_interval;
  if (now - last_heard_ >= 2 * interval) {
    finish(close_code::kAbnormal);  // silent through a ping and as long again: gone
    return;
  }
  if (now - last_heard_ >= interval && !pinged_) {
    queue_control(ws::control_frame(ws::Opcode::kPing, {}), false);
    pinged_ = true;
  }
  arm_timer(std::max(last_heard_ + (pinged_ ? 2 * interval : interval),
                     now + std::chrono::milliseconds(1)));
}

void PlainWebSocket::begin_closing() {
  if (deadline_set_ || finished_) return;
  deadline_set_ = true;
  arm_timer(Clock::now() + kCloseTimeout);
}

void PlainWebSocket::abort() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  asio::post(socket_.get_executor(),
             [self = shared_from_this()] { self->finish(close_code::kAbnormal); });
}

void PlainWebSocket::finish(std::uint16_t code) {
  if (finished_) return;
  finished_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);  // ends the pending wait and write
  timer_.cancel();
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    outbox_.clear();
    close_frame_.clear();
  }
  auto session = std::move(session_);  // the session holds this connection: break the cycle
  session->on_close(code);
  lease_.reset();
}

}  // namespace od::http::detail
