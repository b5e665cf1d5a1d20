// A job of the durable queue as the jobs module sees it, and its JSON form for the API.
// Times are Unix milliseconds (0 = not yet); the JSON renders them as RFC 3339.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace od::jobs {

inline constexpr char kQueued[] = "queued";
inline constexpr char kRunning[] = "running";
inline constexpr char kDone[] = "done";
inline constexpr char kFailed[] = "failed";
inline constexpr char kCanceled[] = "canceled";

// done, failed and canceled never change again.
bool is_final_status(const std::string& status);
bool is_valid_status(const std::string& status);

struct Job {
  std::string id;
  std::string type;
  std::string owner_id;
  std::optional<std::string> project_id;
  nlohmann::json input = nlohmann::json::object();
  std::string input_hash;
  std::optional<std::string> idempotency_key;
  std::string status = kQueued;
  int priority = 0;
  int64_t run_after = 0;
  int attempts = 0;
  int max_attempts = 3;
  std::string lease_owner;
  int64_t lease_expires_at = 0;
  int64_t heartbeat_at = 0;
  int progress = 0;
  std::string progress_message;
  std::optional<nlohmann::json> result;
  std::string error_code;
  std::string error_message;
  bool cancel_requested = false;
  int64_t event_seq = 1;  // bumped by every visible change; the SSE event id
  int64_t created_at = 0;
  int64_t started_at = 0;
  int64_t finished_at = 0;
  std::optional<std::string> webhook_url;  // POSTed to when the job reaches a final state
};

// The API form. `with_input` adds the input (single-job reads; lists leave it out).
nlohmann::json to_json(const Job& job, bool with_input = true);

// SHA-256 hex of the type and the input serialised with sorted keys (nlohmann's object order),
// so inputs equal as JSON hash alike whatever their key order or whitespace.
std::string input_hash(const std::string& type, const nlohmann::json& input);

}  // namespace od::jobs
