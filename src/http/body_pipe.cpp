#include "http/body_pipe.h"

#include <algorithm>
#include <cstring>

namespace od::http {

void BodyPipe::changed(std::unique_lock<std::mutex>& lock) {
  auto wakeup = wakeup_;
  lock.unlock();
  cv_.notify_all();
  if (wakeup) wakeup();
}

size_t BodyPipe::read(char* out, size_t max) {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [this] { return !chunks_.empty() || finished_ || error_ || abandoned_; });
  if (chunks_.empty()) {
    if (error_) throw *error_;
    return 0;  // finished (or abandoned by the reader itself)
  }
  size_t copied = 0;
  while (copied < max && !chunks_.empty()) {
    const std::string& front = chunks_.front();
    size_t n = std::min(max - copied, front.size() - front_offset_);
    std::memcpy(out + copied, front.data() + front_offset_, n);
    copied += n;
    front_offset_ += n;
    if (front_offset_ == front.size()) {
      buffered_ -= front.size();
      chunks_.pop_front();
      front_offset_ = 0;
    }
  }
  changed(lock);  // room again: the network side may read the socket
  return copied;
}

bool BodyPipe::write(std::string chunk) {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [this] { return buffered_ < max_bytes_ || abandoned_; });
  if (abandoned_) return false;
  if (chunk.empty()) return true;
  buffered_ += chunk.size();
  chunks_.push_back(std::move(chunk));
  changed(lock);
  return true;
}

bool BodyPipe::has_room() const {
  std::lock_guard lock(mutex_);
  return buffered_ < max_bytes_;
}

void BodyPipe::offer(std::string chunk) {
  if (chunk.empty()) return;
  std::unique_lock lock(mutex_);
  buffered_ += chunk.size();
  chunks_.push_back(std::move(chunk));
  changed(lock);
}

std::optional<std::string> BodyPipe::take() {
  std::unique_lock lock(mutex_);
  if (chunks_.empty()) return std::nullopt;
  std::string chunk = std::move(chunks_.front());
  chunks_.pop_front();
  buffered_ -= chunk.size();
  changed(lock);  // room again: the producer may continue
  return chunk;
}

bool BodyPipe::drained() const {
  std::lock_guard lock(mutex_);
  return finished_ && chunks_.empty();
}

void BodyPipe::set_wakeup(std::function<void()> wakeup) {
  std::lock_guard lock(mutex_);
  wakeup_ = std::move(wakeup);
}

void BodyPipe::finish_writing() {
  std::unique_lock lock(mutex_);
  finished_ = true;
  changed(lock);
}

void BodyPipe::fail(ApiError error) {
  std::unique_lock lock(mutex_);
  if (!error_) error_ = std::move(error);
  changed(lock);
}

bool BodyPipe::failed() const {
  std::lock_guard lock(mutex_);
  return error_.has_value();
}

void BodyPipe::abandon() {
  std::unique_lock lock(mutex_);
  abandoned_ = true;
  changed(lock);
}

bool BodyPipe::abandoned() const {
  std::lock_guard lock(mutex_);
  return abandoned_;
}

}  // namespace od::http
