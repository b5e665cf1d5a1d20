// The rules of the job queue seen from callers: who may submit and read which jobs, idempotency
// keys, deduplication of repeated inputs, the per-user limit on jobs in flight, cancellation, and
// the announcements (event bus, topic job:<id>) that progress streams follow.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/service.h"
#include "events/bus.h"
#include "jobs/handler.h"
#include "jobs/store.h"

namespace od::jobs {

struct JobsConfig {
  int max_in_flight_per_user = 20;                // queued + running; more is 429 too_many_jobs
  int64_t dedupe_window_ms = 24LL * 3600 * 1000;  // a done job's result is reused this long
  size_t max_input_bytes = 256 * 1024;            // serialised input JSON
};

struct SubmitRequest {
  std::string type;
  nlohmann::json input = nlohmann::json::object();
  std::optional<std::string> project_id;
  std::optional<std::string> idempotency_key;
  int priority = 0;      // -10..10
  int max_attempts = 3;  // 1..10
  bool dedupe = true;
  std::optional<std::string> webhook_url;  // validated by the API (http/https, <= 2048 chars)
};

struct Submitted {
  Job job;
  bool created = false;  // false: an earlier job was returned (idempotency key or dedup)
};

// Throws (404) when the caller may not read the project; set by the composition root so this
// module does not depend on the projects module.
using ProjectCheck = std::function<void(const auth::Principal&, const std::string& project_id)>;

class JobsService {
 public:
  JobsService(JobStore& store, const HandlerRegistry& handlers, JobsConfig config,
              events::EventBus* bus, ProjectCheck project_check);

  Submitted submit(const auth::Principal& caller, const SubmitRequest& request);
  // The job if the caller owns it or is an admin; 404 otherwise (existence is not revealed).
  Job get(const auth::Principal& caller, const std::string& id);
  // The caller's own jobs; filter.owner_id is set from the caller.
  std::vector<Job> list(const auth::Principal& caller, ListFilter filter);
  Job cancel(const auth::Principal& caller, const std::string& id);

  // Queues a job the server itself decided on (for example processing an uploaded asset) on
  // behalf of `owner_id`: the per-user limit, idempotency and dedup are for client requests and
  // do not apply.
  Job enqueue(const std::string& owner_id, const std::string& type, nlohmann::json input,
              int max_attempts = 3);

  // Publishes the job's current state on job:<id>.
  void announce(const Job& job);
  // Called after every submit that queued a job (the worker pool's wake-up).
  void set_submit_listener(std::function<void()> listener);
  // Types without an in-process handler that submit accepts anyway (served by external workers).
  void set_external_types(std::function<std::vector<std::string>()> types);
  std::vector<std::string> external_types() const;
  // Called by announce() for a final job with a webhook URL (the webhook dispatcher's wake-up).
  void set_webhook_listener(std::function<void()> listener);

  JobStore& store() { return store_; }
  const HandlerRegistry& handlers() const { return handlers_; }

 private:
  bool serves_externally(const std::string& type) const;

  JobStore& store_;
  const HandlerRegistry& handlers_;
  const JobsConfig config_;
  events::EventBus* bus_;
  ProjectCheck project_check_;
  std::function<void()> submit_listener_;
  std::function<std::vector<std::string>()> external_types_;
  std::function<void()> webhook_listener_;
};

// "job:<id>".
std::string job_topic(const std::string& job_id);
// The small status/progress payload announced on the bus and sent to SSE clients.
nlohmann::json job_event_data(const Job& job);

}  // namespace od::jobs
