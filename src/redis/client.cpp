#include "redis/client.h"

#include <cstdarg>
#include <stdexcept>
#include <string_view>

namespace od::redis {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
  return timeval{static_cast<time_t>(ms.count() / 1000),
                 static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

int parse_number(const std::string& text, const std::string& url) {
  size_t used = 0;
  int value = -1;
  try {
    value = std::stoi(text, &used);
  } catch (const std::exception&) {
  }
  if (used != text.size() || value < 0) throw std::invalid_argument("bad Redis URL: " + url);
  return value;
}

}  // namespace

Address parse_url(const std::string& url) {
  constexpr std::string_view kScheme = "redis://";
  if (!std::string_view(url).starts_with(kScheme)) {
    throw std::invalid_argument("Redis URL must start with redis://: " + url);
  }
  std::string rest = url.substr(kScheme.size());
  Address address;
  if (size_t slash = rest.find('/'); slash != std::string::npos) {
    std::string db = rest.substr(slash + 1);
    rest.resize(slash);
    if (!db.empty()) address.db = parse_number(db, url);
  }
  if (size_t colon = rest.rfind(':'); colon != std::string::npos) {
    address.port = parse_number(rest.substr(colon + 1), url);
    rest.resize(colon);
  }
  if (rest.empty()) throw std::invalid_argument("Redis URL has no host: " + url);
  address.host = rest;
  return address;
}

ContextPtr connect(const Address& address, std::chrono::milliseconds connect_timeout,
                   std::chrono::milliseconds command_timeout, std::string& error) {
  ContextPtr context(
      redisConnectWithTimeout(address.host.c_str(), address.port, to_timeval(connect_timeout)));
  if (!context || context->err) {
    error = context ? context->errstr : "cannot allocate a Redis context";
    return nullptr;
  }
  // hiredis keeps the connect timeout for later I/O unless told otherwise; a zero timeval blocks.
  redisSetTimeout(context.get(), to_timeval(command_timeout));
  redisEnableKeepAlive(context.get());
  if (address.db != 0 && !command(context.get(), error, "SELECT %d", address.db)) {
    return nullptr;
  }
  return context;
}

ReplyPtr command(redisContext* context, std::string& error, const char* format, ...) {
  va_list args;
  va_start(args, format);
  ReplyPtr reply(static_cast<redisReply*>(redisvCommand(context, format, args)));
  va_end(args);
  if (!reply) {
    error = context->errstr;
    return nullptr;
  }
  if (reply->type == REDIS_REPLY_ERROR) {
    error.assign(reply->str, reply->len);
    return nullptr;
  }
  return reply;
}

bool ping(const Address& address, std::chrono::milliseconds timeout) {
  std::string error;
  ContextPtr context = connect(address, timeout, timeout, error);
  return context && command(context.get(), error, "PING");
}

}  // namespace od::redis
