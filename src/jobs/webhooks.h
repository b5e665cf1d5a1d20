// Webhooks on job completion. A job submitted with a webhook URL gets one POST when it reaches a
// final state, signed with its owner's secret (jobs/signature.h), retried with exponential backoff
// on a non-2xx answer or a transport error, every attempt recorded.
//
// Durability: the delivery row is written by a sweep over final jobs not yet marked (an index
// keeps that list tiny), so a crash between the job's end and the delivery loses nothing; a
// delivery being sent holds a lease in the database, so a crashed sender's delivery is taken up
// again and two nodes never send one at the same time.
//
// Sending runs on a bounded pool of its own, never on network or job-worker threads. Targets
// pass the SSRF guard (jobs/address_guard.h) and the connection is pinned to the address
// checked; redirects are not followed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/worker_pool.h"
#include "jobs/store.h"
#include "jobs/webhook_store.h"

namespace od::jobs {

struct WebhookOptions {
  bool allow_private = false;  // let webhooks reach loopback/private addresses (tests, intranets)
  int max_attempts = 5;
  int64_t base_delay_ms = 1000;  // before the 2nd attempt; doubles each time (capped at 1 hour)
  long timeout_seconds = 10;     // one attempt, connect included
  int threads = 2;               // concurrent deliveries per node
};

class WebhookService {
 public:
  WebhookService(WebhookStore& store, JobStore& jobs, WebhookOptions options);
  ~WebhookService();
  WebhookService(const WebhookService&) = delete;
  WebhookService& operator=(const WebhookService&) = delete;

  // The user's signing secret (created on first use) and its replacement.
  std::string secret(const std::string& user_id);
  std::string rotate_secret(const std::string& user_id);
  // The deliveries of one job with their attempts (the caller has checked access to the job).
  std::vector<Delivery> deliveries(const std::string& job_id);

  // Starts the dispatch thread and the sending pool; stop() lets sends in flight finish.
  void start();
  void stop();
  // A job reached a final state (or something else may be due): look now rather than at the
  // next periodic sweep.
  void wake();

 private:
  void loop();
  void sweep();
  void dispatch();
  void send(const Delivery& delivery);

  WebhookStore& store_;
  JobStore& jobs_;
  const WebhookOptions options_;
  const std::chrono::milliseconds poll_;

  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = true;
  bool woken_ = false;
  int in_flight_ = 0;
  std::unique_ptr<WorkerPool> pool_;
  std::thread thread_;
};

// "job.completed", "job.failed" or "job.canceled" for a final status.
std::string webhook_event(const std::string& status);
// Delay before the attempt after `attempt` (1-based): base, 2*base, 4*base, ... capped at 1 hour.
int64_t webhook_retry_delay_ms(int attempt, int64_t base_delay_ms);

}  // namespace od::jobs
