#include "http/message.h"

#include <strings.h>
#include <algorithm>

#include "http/stream_channel.h"
#include "http/url.h"

namespace od::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool percent_decode(std::string_view in, bool plus_as_space, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = hex_value(in[i + 1]), lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

std::string_view method_name(Method m) {
  switch (m) {
    case Method::Get:
      return "GET";
    case Method::Head:
      return "HEAD";
    case Method::Post:
      return "POST";
    case Method::Put:
      return "PUT";
    case Method::Patch:
      return "PATCH";
    case Method::Delete:
      return "DELETE";
    case Method::Options:
      return "OPTIONS";
    case Method::Other:
      return "OTHER";
  }
  return "OTHER";
}

std::optional<std::string> Headers::get(std::string_view name) const {
  for (const auto& [k, v] : fields_) {
    if (iequals(k, name)) return v;
  }
  return std::nullopt;
}

void Headers::set(std::string name, std::string value) {
  remove(name);
  fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::add(std::string name, std::string value) {
  fields_.emplace_back(std::move(name), std::move(value));
}

void Headers::remove(std::string_view name) {
  std::erase_if(fields_, [&](const auto& field) { return iequals(field.first, name); });
}

std::optional<std::string> Request::query(std::string_view name) const {
  std::string_view rest = query_string;
  std::string key, value;
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    size_t eq = pair.find('=');
    std::string_view raw_value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
    // A malformed escape makes the parameter unreadable rather than half-decoded.
    if (!percent_decode(pair.substr(0, eq), true, key) || key != name) continue;
    if (!percent_decode(raw_value, true, value)) continue;
    return value;
  }
  return std::nullopt;
}

Response Response::json(int status, const nlohmann::json& value) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", "application/json");
  r.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::no_content() {
  Response r;
  r.status = 204;
  return r;
}

Response Response::text(int status, std::string body, std::string content_type) {
  Response r;
  r.status = status;
  r.headers.set("Content-Type", std::move(content_type));
  r.body = std::move(body);
  return r;
}

std::shared_ptr<StreamChannel> make_stream(size_t max_buffered_chunks) {
  return std::make_shared<BufferedStream>(max_buffered_chunks == 0 ? 1 : max_buffered_chunks);
}

bool BufferedStream::push(std::string chunk) {
  bool accepted = false;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    if (chunks_.size() >= max_chunks_) {
      closed_ = true;  // the client cannot keep up: end the stream, keep memory bounded
    } else {
      chunks_.push_back(std::move(chunk));
      accepted = true;
    }
  }
  notify();
  return accepted;
}

void BufferedStream::close() {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
  }
  notify();
}

bool BufferedStream::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

void BufferedStream::on_close(std::function<void()> callback) {
  {
    std::lock_guard lock(mutex_);
    if (!finished_) {
      on_close_.push_back(std::move(callback));
      return;
    }
  }
  callback();
}

void BufferedStream::set_wakeup(std::function<void()> wakeup) {
  std::lock_guard lock(mutex_);
  wakeup_ = std::move(wakeup);
}

bool BufferedStream::take(std::vector<std::string>& out) {
  std::lock_guard lock(mutex_);
  while (!chunks_.empty()) {
    out.push_back(std::move(chunks_.front()));
    chunks_.pop_front();
  }
  return !out.empty() || !closed_;
}

void BufferedStream::finish() {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mutex_);
    if (finished_) return;
    finished_ = true;
    closed_ = true;
    chunks_.clear();
    wakeup_ = nullptr;
    callbacks.swap(on_close_);
  }
  for (auto& callback : callbacks) callback();
}

void BufferedStream::notify() {
  std::function<void()> wakeup;
  {
    std::lock_guard lock(mutex_);
    wakeup = wakeup_;
  }
  if (wakeup) wakeup();
}

}  // namespace od::http
