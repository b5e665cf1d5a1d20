#include "http/websocket_plain.h"

#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <array>
#include <cerrno>

#include "http/websocket_loop.h"

namespace od::http::detail {
namespace {

// How long a peer has to answer our close frame (or to finish sending its own) before the socket
// is cut; it also bounds how long a closing connection can hold up a drain.
constexpr auto kCloseTimeout = std::chrono::seconds(5);
// Reads per readiness wakeup before yielding to other connections on the thread.
constexpr int kReadsPerWakeup = 16;
// Frames per sendmsg (two buffers each, well under IOV_MAX).
constexpr size_t kFramesPerWrite = 256;
// Every connection of a loop reads into this and keeps only an incomplete frame.
thread_local std::array<char, 64 * 1024> read_buffer;

}  // namespace

PlainWebSocket::PlainWebSocket(WebSocketLoop& loop, int fd, WebSocketOptions options,
                               std::shared_ptr<WebSocketSession> session)
    : loop_(loop),
      fd_(fd),
      options_(options),
      session_(std::move(session)),
      reader_(options.max_message_bytes) {}

PlainWebSocket::~PlainWebSocket() {
  if (fd_ >= 0) ::close(fd_);  // never adopted by the loop (it stopped first)
}

void PlainWebSocket::start(std::string_view early) {
  last_heard_ = Clock::now();
  session_->on_open(shared_from_this());
  if (!early.empty()) consume(early);
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
  loop_.post([self = shared_from_this()] { self->begin_closing(); });
}

void PlainWebSocket::on_readable() {
  for (int i = 0; i < kReadsPerWakeup && !finished_; ++i) {
    ssize_t n = ::recv(fd_, read_buffer.data(), read_buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n <= 0) {  // end of stream or reset
      finish(close_received_ ? peer_code_ : close_code::kAbnormal);
      return;
    }
    if (!consume(std::string_view(read_buffer.data(), static_cast<size_t>(n)))) return;
    if (static_cast<size_t>(n) < read_buffer.size()) return;  // drained
  }
  // Still more to read: the descriptor stays readable and the loop comes back to it.
}

void PlainWebSocket::on_writable() { write_more(); }

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
  loop_.post([self = shared_from_this()] { self->write_more(); });
}

void PlainWebSocket::write_more() {
  while (!finished_) {
    if (write_index_ < writing_.size()) {
      if (!flush()) return;  // the loop calls on_writable when the socket takes more
      written();
      continue;
    }
    std::lock_guard lock(mutex_);
    if (!outbox_.empty()) {
      writing_.swap(outbox_);
    } else if (!close_frame_.empty() && !close_sent_) {
      writing_.push_back({std::move(close_frame_), {}});
      std::string().swap(close_frame_);
      writing_close_ = true;
    } else {
      write_active_ = false;
      break;
    }
  }
  if (!finished_) loop_.watch_writable(*this, false);
}

bool PlainWebSocket::flush() {
  while (write_index_ < writing_.size()) {
    std::array<iovec, 2 * kFramesPerWrite> iov;
    size_t count = 0;
    size_t skip = write_offset_;
    for (size_t i = write_index_; i < writing_.size() && count + 2 <= iov.size(); ++i) {
      for (std::string* part : {&writing_[i].header, &writing_[i].payload}) {
        if (skip >= part->size()) {
          skip -= part->size();
          continue;
        }
        iov[count++] = {part->data() + skip, part->size() - skip};
        skip = 0;
      }
    }
    msghdr message{};
    message.msg_iov = iov.data();
    message.msg_iovlen = count;
    ssize_t sent = ::sendmsg(fd_, &message, MSG_NOSIGNAL);
    if (sent < 0 && errno == EINTR) continue;
    if (sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      loop_.watch_writable(*this, true);
      return false;
    }
    if (sent < 0) {
      finish(close_code::kAbnormal);
      return false;
    }
    // Step over what went out: whole frames, then part of the next.
    auto left = static_cast<size_t>(sent);
    while (left > 0) {
      const Outgoing& out = writing_[write_index_];
      size_t rest = out.header.size() + out.payload.size() - write_offset_;
      if (left < rest) {
        write_offset_ += static_cast<std::uint32_t>(left);
        break;
      }
      left -= rest;
      ++write_index_;
      write_offset_ = 0;
    }
  }
  return true;
}

void PlainWebSocket::written() {
  std::vector<Outgoing>().swap(writing_);  // an idle connection holds no write buffer
  write_index_ = 0;
  write_offset_ = 0;
  if (!writing_close_) return;
  writing_close_ = false;
  close_sent_ = true;
  if (close_received_) {  // the handshake is complete: the server closes the TCP connection
    finish(peer_code_);
    return;
  }
  if (failed_) {
    // No close frame can be parsed after a broken one: say we are done and let the reader drain
    // until the peer closes too (closing now, with its bytes unread, would reset the connection
    // and could destroy our close frame before the peer reads it).
    ::shutdown(fd_, SHUT_WR);
  }
}

void PlainWebSocket::on_tick(Clock::time_point now) {
  if (finished_) return;
  if (close_deadline_ != Clock::time_point::max()) {
    if (now >= close_deadline_) finish(close_received_ ? peer_code_ : close_code::kAbnormal);
    return;  // while closing the peer is not pinged
  }
  const auto interval = options_.ping_interval;
  if (now - last_heard_ >= 2 * interval) {
    finish(close_code::kAbnormal);  // silent through a ping and as long again: gone
    return;
  }
  if (now - last_heard_ >= interval && !pinged_) {
    queue_control(ws::control_frame(ws::Opcode::kPing, {}), false);
    pinged_ = true;
  }
}

void PlainWebSocket::begin_closing() {
  if (close_deadline_ != Clock::time_point::max() || finished_) return;
  close_deadline_ = Clock::now() + kCloseTimeout;
}

void PlainWebSocket::abort() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  loop_.post([self = shared_from_this()] { self->abort_now(); });
}

void PlainWebSocket::abort_now() { finish(close_code::kAbnormal); }

void PlainWebSocket::finish(std::uint16_t code) {
  if (finished_) return;
  finished_ = true;
  loop_.retire(*this);
  ::close(fd_);
  fd_ = -1;
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    outbox_.clear();
    close_frame_.clear();
  }
  auto session = std::move(session_);  // the session holds this connection: break the cycle
  session->on_close(code);
}

}  // namespace od::http::detail
