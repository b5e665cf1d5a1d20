// Structured JSON logs, one object per line on stderr. Every line carries the id of the request
// being served on this thread (set by the HTTP layer through RequestLogScope), so a request can be
// followed across the log.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace od::log {

enum class Level { Debug = 0, Info = 1, Warn = 2, Error = 3 };

void set_level(Level level);
bool parse_level(std::string_view text, Level& out);

void write(Level level, std::string_view message, const nlohmann::json& fields = {});
inline void debug(std::string_view m, const nlohmann::json& f = {}) { write(Level::Debug, m, f); }
inline void info(std::string_view m, const nlohmann::json& f = {}) { write(Level::Info, m, f); }
inline void warn(std::string_view m, const nlohmann::json& f = {}) { write(Level::Warn, m, f); }
inline void error(std::string_view m, const nlohmann::json& f = {}) { write(Level::Error, m, f); }

// Sets the request id that log lines written on this thread carry, for the scope's lifetime.
class RequestLogScope {
 public:
  explicit RequestLogScope(std::string request_id);
  ~RequestLogScope();
  RequestLogScope(const RequestLogScope&) = delete;
  RequestLogScope& operator=(const RequestLogScope&) = delete;

 private:
  std::string previous_;
};

const std::string& current_request_id();

}  // namespace od::log
