#include "app/application.h"

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "ai/generate_api.h"
#include "ai/generate_handler.h"
#include "ai/provider_api.h"
#include "ai/refine_handler.h"
#include "ai/usage_api.h"
#include "app/archive_assets.h"
#include "app/auth_setup.h"
#include "app/design2code_api.h"
#include "app/design2code_job.h"
#include "app/gdpr_api.h"
#include "app/image2code_job.h"
#include "app/storage_setup.h"
#include "app/system_api.h"
#include "assets/api.h"
#include "assets/presigned_api.h"
#include "assets/processing_job.h"
#include "assets/resumable_api.h"
#include "assets/variants_api.h"
#include "auth/api.h"
#include "auth/request_auth.h"
#include "collab/api.h"
#include "collab/compaction_lock.h"
#include "collab/room_bus.h"
#include "comments/api.h"
#include "core/crypto.h"
#include "core/error.h"
#include "core/log.h"
#include "core/metrics.h"
#include "events/api.h"
#include "events/topics.h"
#include "http/rate_limit.h"
#include "http/server.h"
#include "jobs/api.h"
#include "jobs/external_api.h"
#include "jobs/noop_handler.h"
#include "projects/api.h"
#include "projects/archive_api.h"
#include "redis/client.h"
#include "storage/factory.h"

namespace od::app {
namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace

std::string load_or_create_secret(const std::string& data_dir) {
  std::filesystem::path path = std::filesystem::path(data_dir) / "secret.key";
  if (std::filesystem::exists(path)) {
    std::string secret = read_file(path);
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    if (secret.size() < 32) throw std::runtime_error(path.string() + " is too short to be a key");
    return secret;
  }
  std::string secret = crypto::hex_encode(crypto::random_bytes(32));
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << secret << "\n";
    if (!out.flush()) throw std::runtime_error("cannot write " + tmp.string());
  }
  ::chmod(tmp.c_str(), 0600);
  std::filesystem::rename(tmp, path);
  log::info("created signing secret", {{"path", path.string()}});
  return secret;
}

Application::Application(Config config) : config_(std::move(config)) {
  log::Level level;
  if (!log::parse_level(config_.log_level, level)) {
    throw std::invalid_argument("log-level must be debug, info, warn or error");
  }
  log::set_level(level);
  std::filesystem::create_directories(config_.data_dir);
  db::Options db_options;
  db_options.pool_size = config_.db_pool;
  db_ = db::Database::open(config_.database_url(), db_options);
  int applied = db_->migrate();
  if (applied > 0) log::info("applied migrations", {{"count", applied}});

  auth::AuthConfig auth_config;
  auth_config.jwt_secret = load_or_create_secret(config_.data_dir);
  if (!config_.jwt_rsa_key.empty())
    auth_config.jwt_rsa_private_key_pem = read_file(config_.jwt_rsa_key);
  auth_config.access_ttl_seconds = config_.access_token_ttl;
  auth_config.reuse_grace_ms = config_.refresh_grace_ms;
  auth_store_ = std::make_unique<auth::AuthStore>(*db_);
  auth_config.public_url = public_url(config_, config_.port);
  auth_config.reset_ttl_seconds = config_.reset_token_ttl;
  accounts_ = std::make_unique<auth::AuthService>(*auth_store_, auth_config, make_mailer(config_));
  oauth_ = std::make_unique<auth::OAuthService>(*accounts_, *auth_store_, oauth_providers(config_),
                                                config_.cors_origins);
  events_ = events::make_event_bus(config_.redis);
  share_access_revocations();
  project_store_ = std::make_unique<projects::ProjectStore>(*db_);
  projects_ = std::make_unique<projects::ProjectsService>(
      *project_store_, *accounts_, projects::ProjectsConfig{.keep_versions = config_.keep_versions},
      events_.get());
  // An event stream on project:<id> may read it exactly when ProjectsService::get lets the caller.
  auto can_read = [this](const auth::Principal& caller, const std::string& topic) {
    auto project_id = events::project_of_topic(topic);
    if (!project_id) return false;
    try {
      projects_->get(caller, *project_id);
      return true;
    } catch (const ApiError& e) {
      if (e.status() == 404 || e.status() == 403) return false;
      throw;
    }
  };
  sse_hub_ = std::make_unique<events::SseHub>(*events_, can_read);
  collab_store_ = std::make_unique<collab::CollabStore>(*db_);
  build_collab();
  blobs_ = storage::make_blob_store(blob_store_config(config_));  // before the jobs that store
  asset_store_ = std::make_unique<assets::AssetStore>(*db_);
  assets_ = std::make_unique<assets::AssetsService>(
      *asset_store_, *blobs_, *projects_,
      assets::AssetsConfig{
          .max_file_bytes = int64_t{config_.max_upload_mb} * 1024 * 1024,
          .quota_bytes = int64_t{config_.user_quota_mb} * 1024 * 1024,
          .staging_dir = (std::filesystem::path(config_.data_dir) / "uploads").string(),
          .signed_urls = {.key = crypto::hmac_sha256(auth_config.jwt_secret, "asset-url"),
                          .ttl_seconds = config_.signed_url_ttl_seconds}});
  resumable_store_ = std::make_unique<assets::ResumableStore>(*db_);
  resumable_uploads_ = std::make_unique<assets::ResumableUploads>(
      *resumable_store_, *assets_,
      assets::ResumableConfig{.expiry_seconds = config_.upload_expiry_seconds});
  presigned_store_ = std::make_unique<assets::PresignedStore>(*db_);
  // Its own key, derived from the server secret, so an upload signature is never a valid token.
  presigned_uploads_ = std::make_unique<assets::PresignedUploads>(
      *presigned_store_, *assets_, *blobs_,
      assets::PresignedConfig{
          .signing_key = crypto::hmac_sha256(auth_config.jwt_secret, "presigned-upload-url"),
          .expiry_seconds = config_.upload_expiry_seconds,
          // Never longer to complete than the upload itself was given.
          .complete_grace_seconds = std::min(3600, config_.upload_expiry_seconds)});
  sweep_lease_ = std::make_unique<assets::SweepLease>(*db_);
  upload_sweeper_ = std::make_unique<assets::UploadSweeper>(
      *sweep_lease_,
      assets::UploadSweeperOptions{.interval = std::chrono::seconds(config_.upload_sweep_seconds),
                                   .shared = {[this] { resumable_uploads_->sweep(); },
                                              [this] { presigned_uploads_->sweep(); }},
                                   .local = {[this] { resumable_uploads_->sweep_orphan_files(); },
                                             [this] { presigned_uploads_->sweep_orphan_files(); },
                                             [this] {
                                               assets::sweep_staging(assets_->staging_dir(),
                                                                     std::chrono::hours(1));
                                             }}});
  build_media_processing();
  build_jobs();  // after every module that adds a job type: workers take the types at start
}

// Thumbnails, metadata and variants of assets: a job per finalised asset, decoded in a bounded
// child process (this same binary, `opendesign media-probe`).
void Application::build_media_processing() {
  assets::ProcessingConfig processing;
  processing.thumbnail_sizes = config_.thumbnail_sizes;
  processing.worker.executable = media::self_executable();
  processing.worker.temp_dir = (std::filesystem::path(config_.data_dir) / "tmp" / "media").string();
  processing.worker.wall = std::chrono::seconds(config_.media_timeout_seconds);
  processing.worker.cpu_seconds = config_.media_timeout_seconds;
  processing.worker.memory_mb = config_.media_memory_mb;
  processing.worker.max_pixels = int64_t{config_.media_max_megapixels} * 1'000'000;
  media_store_ = std::make_unique<assets::MediaStore>(*db_);
  asset_processor_ = std::make_unique<assets::AssetProcessor>(*asset_store_, *media_store_, *blobs_,
                                                              std::move(processing));
  job_handlers_.add(std::make_unique<assets::ProcessAssetHandler>(*asset_processor_));
  assets::AssetHooks hooks;
  hooks.finalised = [this](const assets::Asset& asset) {
    asset_processor_->mark_pending(asset.id);
    jobs_->enqueue(asset.owner_id, assets::kProcessJobType, {{"assetId", asset.id}});
  };
  hooks.describe = [this](const assets::Asset& asset, nlohmann::json& out) {
    asset_processor_->describe(asset, out);
    // Signed thumbnail URLs once processing made them (vector images have none).
    nlohmann::json urls = nlohmann::json::object();
    if (out["processing"] == "done" && asset.content_type != "image/svg+xml") {
      for (int size : config_.thumbnail_sizes) {
        auto url = assets_->signed_url(
            asset, {.kind = assets::SignedResource::Kind::Thumbnail, .thumbnail_size = size});
        if (url) urls[std::to_string(size)] = *url;
      }
    }
    out["thumbnailUrls"] = urls;
  };
  hooks.derived_blobs = [this](const std::string& asset_id) {
    return asset_processor_->derived_blobs(asset_id);
  };
  hooks.owner_derived_blobs = [this](const std::string& owner_id) {
    return media_store_->variant_blobs_of_owner(owner_id);
  };
  assets_->set_hooks(std::move(hooks));
}

Application::~Application() = default;

// Access tokens are checked in memory on each instance, so a revocation (sign-out everywhere,
// role change, deletion) must reach every instance: each publishes its own on the bus and applies
// everyone's, its own included (applying twice is harmless).
void Application::share_access_revocations() {
  accounts_->set_revocation_listener([this](const std::string& user_id, int64_t at_ms) {
    events::Event event;
    event.topic = events::kAccountsTopic;
    event.type = "access_revoked";
    event.data = {{"userId", user_id}, {"at", at_ms}};
    events_->publish(std::move(event));
  });
  revocations_ = events_->subscribe({events::kAccountsTopic}, [this](const events::Event& event) {
    if (event.type != "access_revoked") return;
    std::string user = event.data.value("userId", "");
    int64_t at = event.data.value("at", int64_t{0});
    if (!user.empty() && at > 0) accounts_->revoke_access_tokens(user, at);
  });
}

// Collaboration: rooms fan out over Redis and compact under a Redis lock when --redis is set.
void Application::build_collab() {
  collab_sessions_ = std::make_unique<collab::SessionStore>(*db_);
  collab::HubOptions options;
  options.room.max_document_bytes = size_t(config_.collab_max_document_mb) << 20;
  options.idle_unload = std::chrono::seconds(config_.collab_room_idle_seconds);
  options.max_rooms_per_user = size_t(config_.collab_max_rooms_per_user);
  std::unique_ptr<collab::RoomBus> bus;
  std::unique_ptr<collab::CompactionLock> lock;
  if (!config_.redis.empty()) {
    bus = collab::make_redis_room_bus(config_.redis);
    lock = collab::make_redis_compaction_lock(config_.redis);
  }
  collab_hub_ = std::make_unique<collab::Hub>(*collab_store_, *collab_sessions_, options,
                                              std::move(bus), std::move(lock));
  collab_ = std::make_unique<collab::CollabService>(*collab_store_, *collab_sessions_, *collab_hub_,
                                                    *projects_);
  comment_store_ = std::make_unique<comments::CommentStore>(*db_);
  comments_ = std::make_unique<comments::CommentsService>(
      *comment_store_, *projects_, *accounts_, events_.get(),
      [this](const std::string& project_id, const std::string& json) {
        collab_hub_->notify_project(project_id, json);
      });
}

// The job queue and its handlers. Engines add their job types here as they arrive.
void Application::build_jobs() {
  job_store_ = std::make_unique<jobs::JobStore>(*db_);
  job_handlers_.add(std::make_unique<jobs::NoopHandler>());
  build_ai();
  job_handlers_.add(std::make_unique<Design2CodeHandler>(*job_store_, *project_store_, *blobs_));
  // Screenshots to code in a bounded child process, under the media processing limits.
  job_handlers_.add(std::make_unique<Image2CodeHandler>(
      *job_store_, *assets_, *blobs_,
      Image2CodeJobConfig{
          .executable = media::self_executable(),
          .temp_dir = (std::filesystem::path(config_.data_dir) / "tmp" / "image2code").string(),
          .wall = std::chrono::seconds(config_.media_timeout_seconds),
          .memory_mb = config_.media_memory_mb,
          .cpu_seconds = config_.media_timeout_seconds}));
  // A job may name a project only when the submitter may read it (404 otherwise).
  auto project_check = [this](const auth::Principal& caller, const std::string& project_id) {
    projects_->get(caller, project_id);
  };
  jobs_ = std::make_unique<jobs::JobsService>(
      *job_store_, job_handlers_,
      jobs::JobsConfig{.max_in_flight_per_user = config_.max_jobs_in_flight}, events_.get(),
      project_check);
  webhook_store_ = std::make_unique<jobs::WebhookStore>(*db_);
  webhooks_ = std::make_unique<jobs::WebhookService>(
      *webhook_store_, *job_store_,
      jobs::WebhookOptions{.allow_private = config_.webhook_allow_private,
                           .max_attempts = config_.webhook_attempts,
                           .base_delay_ms = config_.webhook_base_delay_ms,
                           .timeout_seconds = config_.webhook_timeout_seconds,
                           .threads = config_.webhook_threads});
  jobs_->set_webhook_listener([this] { webhooks_->wake(); });
  external_worker_store_ = std::make_unique<jobs::ExternalWorkerStore>(*db_);
  external_workers_ = std::make_unique<jobs::ExternalWorkers>(
      *external_worker_store_, *jobs_, load_or_create_secret(config_.data_dir),
      jobs::ExternalWorkerOptions{
          .lease_ms = int64_t{config_.job_lease_seconds} * 1000,
          .max_parked_polls = static_cast<size_t>(config_.worker_max_polls)});
  jobs_->set_external_types([this] { return external_workers_->served_types(); });
  // A submitted job wakes whoever may run it: in-process workers and external long polls.
  auto wake_all = [this] {
    if (job_workers_) job_workers_->wake();
    external_workers_->wake();
  };
  jobs_->set_submit_listener(wake_all);
  if (db_->dialect() == db::Dialect::Postgres) {
    job_wakeup_ = std::make_unique<jobs::PgWakeup>(config_.database_url(), wake_all);
  }
  // Every process reaps, with or without in-process workers: external workers' jobs too.
  const int64_t lease_ms = int64_t{config_.job_lease_seconds} * 1000;
  job_reaper_ = std::make_unique<jobs::LeaseReaper>(
      *jobs_, std::chrono::milliseconds(std::clamp<int64_t>(lease_ms / 4, 100, 5000)), wake_all);
  if (config_.job_workers > 0) {
    jobs::WorkerOptions options;
    options.threads = config_.job_workers;
    options.lease_ms = lease_ms;
    options.idle_wait = std::chrono::milliseconds(config_.job_poll_ms);
    job_workers_ = std::make_unique<jobs::JobWorkers>(*jobs_, options);
  }
}

// The AI provider (when configured), the usage accounts and the job types that call the provider.
void Application::build_ai() {
  ai_usage_store_ = std::make_unique<ai::UsageStore>(*db_);
  ai_usage_ = std::make_unique<ai::UsageService>(*ai_usage_store_);
  if (!config_.ai_base_url.empty()) {
    if (config_.ai_base_url.rfind("http://", 0) != 0 &&
        config_.ai_base_url.rfind("https://", 0) != 0) {
      throw std::invalid_argument("ai-base-url must start with http:// or https://");
    }
    if (config_.ai_model.empty())
      throw std::invalid_argument("ai-model is required with ai-base-url");
    ai::ClientOptions client;
    client.base_url = config_.ai_base_url;
    client.api_key = config_.ai_api_key;
    client.model = config_.ai_model;
    client.total_timeout_ms = int64_t{config_.ai_timeout_seconds} * 1000;
    client.connect_timeout_ms = int64_t{config_.ai_connect_timeout_seconds} * 1000;
    client.idle_timeout_ms = int64_t{config_.ai_idle_timeout_seconds} * 1000;
    client.max_attempts = config_.ai_max_attempts;
    client.max_retry_wait_ms = int64_t{config_.ai_max_retry_wait_seconds} * 1000;
    ai_provider_ = std::make_unique<ai::Provider>(
        client, ai::CircuitBreaker::Options{
                    .failure_threshold = config_.ai_breaker_failures,
                    .cooldown_ms = int64_t{config_.ai_breaker_cooldown_seconds} * 1000});
  }
  job_handlers_.add(
      std::make_unique<ai::RefineHandler>(ai_provider_.get(), *ai_usage_store_, *job_store_));
  job_handlers_.add(std::make_unique<ai::GenerateHandler>(ai_provider_.get(), *ai_usage_store_,
                                                          *job_store_, *blobs_));
  ai_downloads_ = std::make_unique<ai::DownloadSigner>(load_or_create_secret(config_.data_dir));
}

// Assets that processing never saw (stored before it existed, or whose job could not be queued)
// get their job at start-up. Several instances starting at once may queue one twice: harmless,
// a second run finds its derivatives stored.
void Application::queue_unprocessed_assets() {
  int queued = 0;
  for (;;) {
    auto batch = media_store_->unprocessed(500);
    for (const auto& [asset_id, owner_id] : batch) {
      asset_processor_->mark_pending(asset_id);
      jobs_->enqueue(owner_id, assets::kProcessJobType, {{"assetId", asset_id}});
    }
    queued += static_cast<int>(batch.size());
    if (batch.size() < 500) break;
  }
  if (queued > 0) log::info("queued_unprocessed_assets", {{"count", queued}});
}

void Application::register_routes(http::Router& router) {
  assets::register_routes(router, *assets_,
                          assets::variant_content_handler(*assets_, *asset_processor_));
  assets::register_variant_routes(router, *assets_, *asset_processor_);
  assets::register_resumable_routes(router, *resumable_uploads_);
  assets::register_presigned_routes(router, *presigned_uploads_, *assets_);
  auth::register_routes(router, *accounts_);
  auth::register_oauth_routes(router, *oauth_);
  projects::register_routes(router, *projects_);
  events::register_routes(router, *sse_hub_, *accounts_);
  collab::EndpointOptions collab_options;
  collab_options.websocket.max_message_bytes = size_t(config_.collab_max_message_bytes);
  collab_options.session.messages_per_second = config_.collab_messages_per_second;
  collab_options.session.auth_timeout = std::chrono::seconds(config_.collab_auth_timeout_seconds);
  collab::register_routes(router, *collab_hub_, *collab_, *projects_, *accounts_, collab_options);
  comments::register_routes(router, *comments_);
  jobs::register_routes(router, *jobs_, *events_, *accounts_);
  ai::register_usage_routes(router, *ai_usage_);
  ai::register_generate_routes(router, *jobs_, *blobs_, *ai_downloads_);
  ai::register_provider_routes(router, ai_provider_.get());
  jobs::register_webhook_routes(router, *jobs_, *webhooks_);
  jobs::register_worker_routes(router, *external_workers_);
  projects::ArchiveOptions archive_options;
  archive_options.limits.max_archive_bytes = uint64_t(config_.max_import_mb) * 1024 * 1024;
  archive_options.limits.max_asset_bytes = uint64_t(config_.max_upload_mb) * 1024 * 1024;
  archive_options.staging_dir = assets_->staging_dir().string();
  projects::register_archive_routes(router, *projects_, archive_assets(*assets_, *asset_store_),
                                    archive_options);
  register_gdpr_routes(router, {*accounts_, *projects_, *assets_, *ai_usage_, *comments_});
  register_design2code_routes(router);
  std::vector<ReadinessCheck> checks = {{"database", [this] { return db_->ping(); }}};
  if (!config_.redis.empty()) {
    checks.push_back({"redis", [address = redis::parse_url(config_.redis)] {
                        return redis::ping(address, std::chrono::milliseconds(500));
                      }});
  }
  register_system_routes(router, std::move(checks));
}

sigset_t block_shutdown_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

int Application::serve() {
  // SIGINT/SIGTERM are taken by one thread with sigwait, so stopping runs in ordinary code rather
  // than in a signal handler. main() blocked them before any thread started (threads inherit the
  // mask); blocking again here keeps serve() correct when called some other way.
  sigset_t signals = block_shutdown_signals();

  http::Router router;
  register_routes(router);

  std::vector<http::RateRule> rules = http::default_rate_rules();
  for (const auto& [name, limit] : config_.rate_limits) {
    auto rule = std::find_if(rules.begin(), rules.end(), [&](auto& r) { return r.name == name; });
    if (rule == rules.end()) throw std::invalid_argument("rate-limits: no rule named " + name);
    rule->limit = limit;
  }
  std::shared_ptr<http::RateLimiter> limiter = config_.redis.empty()
                                                   ? http::make_memory_rate_limiter()
                                                   : http::make_redis_rate_limiter(config_.redis);
  // Outermost first. The error envelope sits inside CORS and the security headers so that error
  // responses carry them too; authentication runs before rate limits so they can key on users.
  std::vector<http::Middleware> chain = {
      http::request_id(),
      http::access_log(),
      http::security_headers(),
      http::cors(config_.cors_origins),
      http::gzip(),
      http::etag(),
      http::error_envelope(),
      auth::authenticate(*accounts_),
      http::rate_limit(limiter, rules),
  };

  http::ServerOptions options;
  options.host = config_.host;
  options.port = static_cast<uint16_t>(config_.port);
  options.io_threads = config_.io_threads;
  options.max_connections = static_cast<size_t>(config_.max_connections);
  options.worker_threads = config_.worker_threads;
  options.tls_cert_file = config_.tls_cert;
  options.tls_key_file = config_.tls_key;
  http::Server server(options, router, chain);

  metrics::gauge_callback("db_pool_connections", {{"state", "open"}},
                          [this] { return db_->stats().size; });
  metrics::gauge_callback("db_pool_connections", {{"state", "in_use"}},
                          [this] { return db_->stats().in_use; });
  metrics::gauge_callback("db_pool_waiting", {}, [this] { return db_->stats().waiting; });
  metrics::gauge_callback("collab_rooms_open", {}, [this] { return collab_hub_->open_rooms(); });
  metrics::gauge_callback("collab_connections", {}, [this] { return collab_hub_->connections(); });
  metrics::gauge_callback("collab_bytes_held", {}, [this] { return collab_hub_->held_bytes(); });
  // Queue depth: read at scrape time (an indexed count), so it is right on every node.
  for (const char* status : {jobs::kQueued, jobs::kRunning}) {
    metrics::gauge_callback("jobs", {{"status", status}}, [this, status] {
      return static_cast<double>(job_store_->count_by_status(status));
    });
  }

  metrics::gauge_callback("external_worker_polls_parked", {}, [this] {
    return static_cast<double>(external_workers_->parked_polls());
  });
  if (ai_provider_) {
    metrics::gauge_callback("ai_circuit_open", {}, [this] {
      return ai_provider_->breaker_status()["state"] == "open" ? 1.0 : 0.0;
    });
  }

  uint16_t port = server.listen();
  // With --port 0 the real port is known only now; mailed links and OAuth callbacks need it.
  if (config_.public_url.empty()) accounts_->set_public_url(public_url(config_, port));
  log::info("listening",
            {{"host", config_.host},
             {"port", port},
             {"tls", !config_.tls_cert.empty()},
             {"database", db_->dialect() == db::Dialect::Sqlite ? "sqlite" : "postgres"},
             {"dataDir", config_.data_dir}});
  // Signals are blocked in this thread (above), so the workers inherit the mask.
  queue_unprocessed_assets();
  start_job_runners();
  upload_sweeper_->start();
  std::thread signal_thread([this, &server, signals] {
    int received = 0;
    sigwait(&signals, &received);
    log::info("draining", {{"signal", received}});
    external_workers_->stop();  // long polls answer now instead of holding the drain
    server.stop();
  });
  server.run();
  // run() also returns when the server stops for another reason: wake the signal thread.
  pthread_kill(signal_thread.native_handle(), SIGTERM);
  signal_thread.join();
  stop_job_runners();
  upload_sweeper_->stop();
  log::info("stopped");
  return 0;
}

void Application::start_job_runners() {
  if (job_workers_) job_workers_->start();
  job_reaper_->start();
  external_workers_->start();
  if (job_wakeup_) job_wakeup_->start();
  webhooks_->start();
}

void Application::stop_job_runners() {
  // Drain: long polls answer, running jobs finish, claimed ones not yet started go back to the
  // queue, webhook sends in flight finish (pending ones stay in the table for the next start).
  // AI calls in flight are cut short: their jobs fail a retryable attempt and run again on a
  // live node.
  external_workers_->stop();
  if (ai_provider_) ai_provider_->interrupt();
  if (job_wakeup_) job_wakeup_->stop();
  if (job_workers_) job_workers_->stop();
  job_reaper_->stop();
  webhooks_->stop();
}

int Application::run_workers() {
  sigset_t signals = block_shutdown_signals();
  if (!job_workers_) throw std::invalid_argument("worker needs --job-workers of at least 1");
  start_job_runners();
  log::info("workers started",
            {{"workers", config_.job_workers},
             {"database", db_->dialect() == db::Dialect::Sqlite ? "sqlite" : "postgres"}});
  int received = 0;
  sigwait(&signals, &received);
  log::info("draining", {{"signal", received}});
  stop_job_runners();
  log::info("stopped");
  return 0;
}

}  // namespace od::app
