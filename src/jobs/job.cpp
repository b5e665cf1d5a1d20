#include "jobs/job.h"

#include "core/crypto.h"
#include "core/time.h"

namespace od::jobs {
namespace {

nlohmann::json time_or_null(int64_t ms) { return ms > 0 ? nlohmann::json(rfc3339(ms)) : nullptr; }

}  // namespace

bool is_final_status(const std::string& status) {
  return status == kDone || status == kFailed || status == kCanceled;
}

bool is_valid_status(const std::string& status) {
  return status == kQueued || status == kRunning || is_final_status(status);
}

nlohmann::json to_json(const Job& job, bool with_input) {
  nlohmann::json out = {
      {"id", job.id},
      {"type", job.type},
      {"status", job.status},
      {"projectId", job.project_id ? nlohmann::json(*job.project_id) : nullptr},
      {"priority", job.priority},
      {"attempts", job.attempts},
      {"maxAttempts", job.max_attempts},
      {"progress", job.progress},
      {"progressMessage", job.progress_message},
      {"result", job.result ? *job.result : nlohmann::json(nullptr)},
      {"error", job.error_code.empty()
                    ? nlohmann::json(nullptr)
                    : nlohmann::json{{"code", job.error_code}, {"message", job.error_message}}},
      {"cancelRequested", job.cancel_requested},
      {"runAfter", time_or_null(job.run_after)},
      {"createdAt", time_or_null(job.created_at)},
      {"startedAt", time_or_null(job.started_at)},
      {"finishedAt", time_or_null(job.finished_at)},
      {"webhookUrl", job.webhook_url ? nlohmann::json(*job.webhook_url) : nullptr},
  };
  if (with_input) out["input"] = job.input;
  return out;
}

std::string input_hash(const std::string& type, const nlohmann::json& input) {
  // The NUL separates the type from the JSON, which never contains a raw NUL byte.
  std::string text = type;
  text.push_back('\0');
  text += input.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return crypto::sha256_hex(text);
}

}  // namespace od::jobs
