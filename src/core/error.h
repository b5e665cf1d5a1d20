// Typed, expected failures that carry an API error code and HTTP status.
// Services throw them; the HTTP layer turns them into the JSON error envelope in one place.
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace od {

class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string code, const std::string& message,
           nlohmann::json details = nlohmann::json::object())
      : std::runtime_error(message),
        status_(status),
        code_(std::move(code)),
        details_(std::move(details)) {}

  int status() const { return status_; }
  const std::string& code() const { return code_; }
  const nlohmann::json& details() const { return details_; }
  // Seconds a client should wait before retrying (429/503); 0 when not applicable.
  int retry_after() const { return retry_after_; }
  ApiError& with_retry_after(int seconds) {
    retry_after_ = seconds;
    return *this;
  }

 private:
  int status_;
  std::string code_;
  nlohmann::json details_;
  int retry_after_ = 0;
};

// Shorthands for the statuses the API uses; `code` is a snake_case machine-readable reason.
inline ApiError validation_error(const std::string& message,
                                 nlohmann::json details = nlohmann::json::object()) {
  return ApiError(400, "validation_failed", message, std::move(details));
}
inline ApiError bad_request(std::string code, const std::string& message) {
  return ApiError(400, std::move(code), message);
}
inline ApiError unauthorized(const std::string& message = "Authentication is required.") {
  return ApiError(401, "unauthorized", message);
}
inline ApiError forbidden(const std::string& message = "You may not do this.") {
  return ApiError(403, "forbidden", message);
}
inline ApiError not_found(const std::string& what = "resource") {
  return ApiError(404, "not_found", "The " + what + " does not exist.");
}
inline ApiError conflict(std::string code, const std::string& message) {
  return ApiError(409, std::move(code), message);
}
inline ApiError payload_too_large(const std::string& message) {
  return ApiError(413, "payload_too_large", message);
}
inline ApiError too_many_requests(int retry_after_seconds) {
  return ApiError(429, "rate_limited", "Too many requests; retry later.")
      .with_retry_after(retry_after_seconds);
}
inline ApiError unavailable(const std::string& message, int retry_after_seconds = 1) {
  return ApiError(503, "unavailable", message).with_retry_after(retry_after_seconds);
}

}  // namespace od
