#include "jobs/webhooks.h"

#include <algorithm>

#include "auth/http_client.h"
#include "core/crypto.h"
#include "core/ids.h"
#include "core/log.h"
#include "core/time.h"
#include "jobs/address_guard.h"
#include "jobs/signature.h"

namespace od::jobs {
namespace {

constexpr int64_t kMaxDelayMs = 3600 * 1000;
constexpr int kSweepBatch = 100;
constexpr size_t kMaxErrorLength = 300;

// A target the guard refuses: retrying cannot help, so the delivery fails at once.
struct Refused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string new_secret() { return "whsec_" + crypto::random_token(32); }

bool is_ip_literal(const std::string& host) {
  return classify_address(host) != AddressClass::Invalid;
}

}  // namespace

std::string webhook_event(const std::string& status) {
  if (status == kDone) return "job.completed";
  return "job." + status;
}

int64_t webhook_retry_delay_ms(int attempt, int64_t base_delay_ms) {
  int exponent = std::clamp(attempt - 1, 0, 30);
  double delay = static_cast<double>(base_delay_ms) * static_cast<double>(int64_t{1} << exponent);
  return static_cast<int64_t>(std::min(delay, static_cast<double>(kMaxDelayMs)));
}

WebhookService::WebhookService(WebhookStore& store, JobStore& jobs, WebhookOptions options)
    : store_(store),
      jobs_(jobs),
      options_(options),
      // Retries fall due between sweeps; looking at least as often as the shortest delay keeps
      // them on time without a tight loop.
      poll_(std::clamp<int64_t>(options.base_delay_ms, 50, 1000)) {}

WebhookService::~WebhookService() { stop(); }

std::string WebhookService::secret(const std::string& user_id) {
  return store_.secret(user_id, new_secret(), now_ms());
}

std::string WebhookService::rotate_secret(const std::string& user_id) {
  std::string fresh = new_secret();
  store_.set_secret(user_id, fresh, now_ms());
  return fresh;
}

std::vector<Delivery> WebhookService::deliveries(const std::string& job_id) {
  return store_.list_for_job(job_id);
}

void WebhookService::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  int threads = std::max(1, options_.threads);
  pool_ = std::make_unique<WorkerPool>(threads, threads, "webhooks");
  thread_ = std::thread([this] { loop(); });
}

void WebhookService::stop() {
  {
    std::lock_guard lock(mutex_);
    if (!thread_.joinable()) return;
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
  pool_->shutdown();
}

void WebhookService::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  changed_.notify_all();
}

void WebhookService::loop() {
  while (true) {
    try {
      sweep();
      dispatch();
    } catch (const std::exception& e) {
      log::warn("webhook dispatch failed", {{"error", e.what()}});
    }
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, poll_, [this] { return stopping_ || woken_; });
    woken_ = false;
    if (stopping_) return;
  }
}

void WebhookService::sweep() {
  while (true) {
    auto pending = store_.unqueued_final_jobs(kSweepBatch);
    for (const auto& marker : pending) {
      auto job = jobs_.find(marker.id);
      if (!job || !job->webhook_url) continue;
      std::string id = new_id();
      std::string event = webhook_event(job->status);
      nlohmann::json body = {{"event", event}, {"deliveryId", id}, {"job", to_json(*job, false)}};
      store_.enqueue(*job, id, event, body.dump(), now_ms());
    }
    if (pending.size() < static_cast<size_t>(kSweepBatch)) return;
  }
}

void WebhookService::dispatch() {
  int free_slots;
  {
    std::lock_guard lock(mutex_);
    free_slots = std::max(1, options_.threads) * 2 - in_flight_;
  }
  if (free_slots <= 0) return;
  int64_t now = now_ms();
  // The lease outlasts one attempt: a sender that dies leaves the delivery to another after it.
  int64_t lease_until = now + options_.timeout_seconds * 1000 + 30'000;
  for (auto& delivery : store_.claim_due(free_slots, now, lease_until)) {
    {
      std::lock_guard lock(mutex_);
      ++in_flight_;
    }
    bool queued = pool_->try_submit([this, delivery] {
      send(delivery);
      {
        std::lock_guard lock(mutex_);
        --in_flight_;
        woken_ = true;
      }
      changed_.notify_all();
    });
    if (!queued) {
      // Cannot happen while slots are counted, but if it does the lease expires and it is retried.
      std::lock_guard lock(mutex_);
      --in_flight_;
    }
  }
}

void WebhookService::send(const Delivery& delivery) {
  DeliveryAttempt attempt;
  attempt.attempt = delivery.attempts + 1;
  attempt.at = now_ms();
  auto started = std::chrono::steady_clock::now();
  bool delivered = false;
  bool permanent = false;
  try {
    UrlTarget target;
    if (!parse_url_target(delivery.url, target)) throw Refused("the URL is not http(s)");
    auth::HttpRequest request;
    if (!is_ip_literal(target.host) || !options_.allow_private) {
      std::string address;
      try {
        address = resolve_checked(target.host, options_.allow_private);
      } catch (const std::runtime_error& e) {
        std::string what = e.what();
        if (what.rfind("refused", 0) == 0) throw Refused(what);
        throw;
      }
      if (!is_ip_literal(target.host)) {
        bool v6 = address.find(':') != std::string::npos;
        request.resolve.push_back(target.host + ":" + std::to_string(target.port) + ":" +
                                  (v6 ? "[" + address + "]" : address));
      }
    }
    std::string key = secret(delivery.owner_id);
    request.method = "POST";
    request.url = delivery.url;
    request.body = delivery.payload;
    request.timeout_seconds = options_.timeout_seconds;
    request.max_response_bytes = 64 * 1024;
    request.headers = {
        "Content-Type: application/json",
        "User-Agent: OpenDesign-Webhooks/1",
        "X-OpenDesign-Event: " + delivery.event,
        "X-OpenDesign-Delivery: " + delivery.id,
        std::string(kSignatureHeader) + ": " + sign_payload(key, now_ms() / 1000, delivery.payload),
    };
    auto response = auth::http_fetch(request);
    attempt.status_code = static_cast<int>(response.status);
    delivered = response.status >= 200 && response.status < 300;
    if (!delivered) attempt.error = "HTTP " + std::to_string(response.status);
  } catch (const Refused& e) {
    permanent = true;
    attempt.error = e.what();
  } catch (const std::exception& e) {
    attempt.error = e.what();
  }
  if (attempt.error.size() > kMaxErrorLength) attempt.error.resize(kMaxErrorLength);
  attempt.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now() - started)
                            .count();
  std::string status = delivered                                                 ? "delivered"
                       : (permanent || attempt.attempt >= options_.max_attempts) ? "failed"
                                                                                 : "pending";
  int64_t next = attempt.at + attempt.duration_ms +
                 webhook_retry_delay_ms(attempt.attempt, options_.base_delay_ms);
  try {
    store_.record_attempt(delivery.id, attempt, status, next);
  } catch (const std::exception& e) {
    // The lease runs out and the delivery is attempted again: at least once, never silently lost.
    log::warn("webhook attempt not recorded", {{"delivery", delivery.id}, {"error", e.what()}});
  }
  if (!delivered) {
    log::info("webhook attempt failed", {{"delivery", delivery.id},
                                         {"attempt", attempt.attempt},
                                         {"error", attempt.error},
                                         {"final", status == "failed"}});
  }
}

}  // namespace od::jobs
