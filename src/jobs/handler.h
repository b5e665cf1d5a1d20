// What a job type is: a JobHandler registered under its type name. Engines implement handlers
// and the composition root (Application) registers them; the queue knows nothing of engines.
//
// Failure contract: a handler that throws ApiError fails the job with that error's code, for good
// when it is a 4xx (the input is wrong; retrying cannot help) and as a retryable attempt when it
// is a 5xx; any other exception is a retryable attempt.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace od::auth {
struct Principal;
}

namespace od::jobs {

// Job input nesting: 63 levels (the submit body's 64 minus its envelope) unless a handler
// allows more; no handler may allow more than kMaxInputDepth.
inline constexpr int kDefaultInputDepth = 63;
inline constexpr int kMaxInputDepth = 1024;

// A running job as its handler sees it. Calls are cheap enough for a loop's every step, and they
// are the job's heartbeat: a handler must call progress() or cancelled() at least every third of
// the lease (--job-lease-seconds), or its job is presumed lost and run again elsewhere.
class JobContext {
 public:
  virtual ~JobContext() = default;
  virtual const nlohmann::json& input() const = 0;
  virtual const std::string& job_id() const = 0;
  // Reports progress (clamped to 0..100) and extends the lease.
  virtual void progress(int percent, const std::string& message) = 0;
  // True once the owner asked to cancel: the handler should stop and return soon (what it returns
  // is discarded and the job ends canceled).
  virtual bool cancelled() = 0;
};

class JobHandler {
 public:
  virtual ~JobHandler() = default;
  virtual std::string type() const = 0;
  // Runs one attempt and returns the (small) JSON result.
  virtual nlohmann::json run(JobContext& context) = 0;

  // Why this server cannot run the type now (e.g. no AI provider configured), or nullopt. Submits
  // then answer 422 with `code` at once, and the capabilities route shows `reason`.
  struct Unavailability {
    std::string code;
    std::string reason;
  };
  virtual std::optional<Unavailability> unavailable() const { return std::nullopt; }
  // Why the type cannot run for a while although the server has it (e.g. its AI provider's
  // circuit breaker is open), or nullopt. Submits are still queued, unlike unavailable(): the
  // pause ends by itself. The capabilities route shows the type unavailable with `reason` and
  // when to look again.
  struct Pause {
    std::string code;
    std::string reason;
    int64_t retry_in_ms = 0;  // until the pause may end (> 0)
  };
  virtual std::optional<Pause> paused() const { return std::nullopt; }
  // Checks an input at submit time, before anything is queued: throws a 4xx ApiError when the
  // input is wrong, so the caller learns at once instead of from a failed job.
  virtual void validate(const nlohmann::json& input) const {}
  // The whole check at submit, for checks that also depend on who submits (that the caller may
  // read an asset the input names) or on the job's project (an input that may leave out what the
  // project supplies); same contract. By default the input alone decides.
  virtual void validate_submission(const auth::Principal& caller, const nlohmann::json& input,
                                   const std::optional<std::string>& project_id) const {
    validate(input);
  }
  // How deep the input object may nest (an object of scalars is 1). Most types take small
  // inputs; a type whose input carries a document tree (design2code) allows more, up to
  // kMaxInputDepth, so deep bodies are refused early for every other type.
  virtual int max_input_depth() const { return kDefaultInputDepth; }
  // True for job types only the server queues (JobsService::enqueue), never clients.
  virtual bool internal() const { return false; }
};

// The job types this server runs. Filled once at start-up, then only read (no locking).
class HandlerRegistry {
 public:
  void add(std::unique_ptr<JobHandler> handler);
  JobHandler* find(const std::string& type) const;
  std::vector<std::string> types() const;

 private:
  std::map<std::string, std::unique_ptr<JobHandler>> handlers_;
};

}  // namespace od::jobs
