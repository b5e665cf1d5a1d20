// External workers: a service in any language that serves job types over HTTP. An admin
// registers it ({name, types}) and receives a token once; the worker then leases queued jobs of
// its types, heartbeats, reports progress and completes or fails them, each call authenticated by
// that token and allowed only while it holds the job's lease. A job type served by a worker seen
// recently is accepted at submit and listed in the capabilities.
//
// Tokens are "odw_<workerId>.<secret>" where the secret is an HMAC of the worker id and a random
// salt under a key derived from the server's secret: the database keeps only the salt and a hash
// of the token, yet the server can re-derive the token to check callback signatures keyed by it.
//
// A long-polling lease that finds no job is parked (jobs/parked_polls.h) and holds no thread
// while it waits; at most `max_parked_polls` wait at once, past that a lease answers 503.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/service.h"
#include "jobs/parked_polls.h"
#include "jobs/service.h"
#include "jobs/worker_store.h"

namespace od::jobs {

struct ExternalWorkerOptions {
  int64_t lease_ms = 30000;                // default lease of a leased job
  int64_t seen_window_ms = 5 * 60 * 1000;  // "recently seen": serves its types at submit
  size_t max_parked_polls = 1000;          // long polls waiting at once (each a small record)
  size_t max_result_bytes = 256 * 1024;
};

struct LeaseRequest {
  std::vector<std::string> types;  // empty: every type the worker serves
  int max = 1;
  int64_t wait_ms = 0;
  int64_t lease_ms = 0;  // 0: the default
};

// What a worker learns from a heartbeat or progress report.
struct LeaseStatus {
  std::string job_id;
  std::string status;  // running | canceled
  bool cancel_requested = false;
  int64_t lease_expires_at = 0;
};

struct RegisteredWorker {
  ExternalWorker worker;
  std::string token;  // shown once
};

struct CallbackResult {
  Job job;
  bool duplicate = false;  // the job was already in that final state
};

class ExternalWorkers {
 public:
  // `token_key`: the server secret the tokens derive from (the same on every node).
  ExternalWorkers(ExternalWorkerStore& store, JobsService& jobs, std::string token_key,
                  ExternalWorkerOptions options);

  // Admin only (403 otherwise).
  RegisteredWorker register_worker(const auth::Principal& caller, const std::string& name,
                                   const std::vector<std::string>& types);
  std::vector<ExternalWorker> list(const auth::Principal& caller);
  void revoke(const auth::Principal& caller, const std::string& id);

  // The worker a bearer token belongs to; 401 when it is unknown, wrong or revoked.
  ExternalWorker authenticate(const std::string& token);

  // Leases at once when jobs are queued or the request may not wait. Otherwise parks the poll
  // and returns nullopt: `done` then runs later, on the poll keeper's thread, with the jobs
  // leased for it, or none when the wait ends or the server stops. 503 (Retry-After) when
  // max_parked_polls wait already.
  std::optional<std::vector<Job>> lease(const ExternalWorker& worker, const LeaseRequest& request,
                                        ParkedPolls::Done done);
  LeaseStatus heartbeat(const ExternalWorker& worker, const std::string& job_id,
                        int64_t lease_ms = 0);
  LeaseStatus progress(const ExternalWorker& worker, const std::string& job_id, int percent,
                       const std::string& message);
  Job complete(const ExternalWorker& worker, const std::string& job_id,
               const nlohmann::json& result);
  Job fail(const ExternalWorker& worker, const std::string& job_id, const std::string& code,
           const std::string& message, bool retryable);

  // POST /api/v1/ai/callback: `body` signed (jobs/signature.h) with the token of `worker_id`.
  // Idempotent: repeating a completion that was applied answers with the job again.
  CallbackResult callback(const std::string& worker_id, const std::string& signature,
                          const std::string& body);

  // The job types recently seen workers serve (sorted).
  std::vector<std::string> served_types();
  // New jobs may be queued: long polls look again.
  void wake();
  // Long polls may park from now on (starts the keeper thread).
  void start();
  // Ends every long poll at once (shutdown).
  void stop();
  // Long polls parked now.
  size_t parked_polls();

 private:
  std::string derive_token(const ExternalWorker& worker) const;
  static std::string lease_owner(const ExternalWorker& worker) { return "ext:" + worker.id; }
  Job leased_job(const ExternalWorker& worker, const std::string& job_id);
  Job apply_result(const ExternalWorker& worker, const Job& job, const std::string& status,
                   const nlohmann::json& result, const std::string& code,
                   const std::string& message, bool retryable);
  void seen(const ExternalWorker& worker);

  ExternalWorkerStore& store_;
  JobsService& jobs_;
  const std::string token_key_;
  const ExternalWorkerOptions options_;

  ParkedPolls parked_;
};

nlohmann::json to_json(const ExternalWorker& worker);

}  // namespace od::jobs
