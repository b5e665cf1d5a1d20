// The composition root: the one place that builds the modules from a Config and wires them
// together. `serve` and the CLI's admin commands share it, so both see the same storage.
#pragma once

#include <signal.h>

#include <memory>

#include "ai/download_signer.h"
#include "ai/provider.h"
#include "ai/usage_service.h"
#include "app/config.h"
#include "assets/presigned.h"
#include "assets/processing.h"
#include "assets/resumable.h"
#include "assets/service.h"
#include "assets/upload_sweeper.h"
#include "auth/oauth.h"
#include "auth/service.h"
#include "collab/hub.h"
#include "collab/service.h"
#include "comments/service.h"
#include "db/database.h"
#include "events/bus.h"
#include "events/sse_hub.h"
#include "http/router.h"
#include "jobs/external_workers.h"
#include "jobs/lease_reaper.h"
#include "jobs/pg_wakeup.h"
#include "jobs/service.h"
#include "jobs/webhooks.h"
#include "jobs/workers.h"
#include "projects/archive_api.h"
#include "projects/service.h"

namespace od::app {

class Application {
 public:
  // Opens (and migrates) the database and builds the services. Creates the data directory and,
  // on first start, the signing secret in it.
  explicit Application(Config config);
  ~Application();

  // Runs the HTTP server until SIGINT/SIGTERM, then drains. Returns the process exit code.
  int serve();
  // `opendesign worker`: runs only the job workers and webhook deliveries (no HTTP listener)
  // until SIGINT/SIGTERM, then drains. Returns the process exit code.
  int run_workers();
  // Every route the server serves (also what the OpenAPI check compares against).
  void register_routes(http::Router& router);

  const Config& config() const { return config_; }
  db::Database& database() { return *db_; }
  auth::AuthService& accounts() { return *accounts_; }
  projects::ProjectsService& projects() { return *projects_; }
  jobs::JobsService& jobs() { return *jobs_; }

 private:
  void share_access_revocations();
  void build_jobs();
  void build_collab();
  void build_ai();
  // Starts / stops the job workers, their PostgreSQL wake-up and webhook deliveries.
  void start_job_runners();
  void stop_job_runners();
  void build_media_processing();
  void queue_unprocessed_assets();

  Config config_;
  std::unique_ptr<db::Database> db_;
  std::unique_ptr<auth::AuthStore> auth_store_;
  std::unique_ptr<auth::AuthService> accounts_;
  std::unique_ptr<auth::OAuthService> oauth_;
  std::unique_ptr<events::EventBus> events_;  // before the services that publish on it
  std::unique_ptr<projects::ProjectStore> project_store_;
  std::unique_ptr<projects::ProjectsService> projects_;
  // After projects_ and events_: its streams re-check access through them until it is gone.
  std::unique_ptr<events::SseHub> sse_hub_;
  // After projects_ and db_: its rooms store updates until its queued work is done.
  std::unique_ptr<collab::CollabStore> collab_store_;
  std::unique_ptr<collab::SessionStore> collab_sessions_;
  std::unique_ptr<collab::Hub> collab_hub_;
  std::unique_ptr<collab::CollabService> collab_;
  std::unique_ptr<comments::CommentStore> comment_store_;
  std::unique_ptr<comments::CommentsService> comments_;  // after collab_hub_: it notifies rooms
  // After projects_ (assets check access there); before the job workers, whose generate jobs
  // store results in it.
  std::unique_ptr<storage::BlobStore> blobs_;
  // Before job_handlers_: the asset processing and AI job handlers use these until the workers
  // are gone.
  std::unique_ptr<assets::AssetStore> asset_store_;
  std::unique_ptr<assets::AssetsService> assets_;
  std::unique_ptr<assets::ResumableStore> resumable_store_;
  std::unique_ptr<assets::ResumableUploads> resumable_uploads_;
  std::unique_ptr<assets::PresignedStore> presigned_store_;
  std::unique_ptr<assets::PresignedUploads> presigned_uploads_;
  std::unique_ptr<assets::SweepLease> sweep_lease_;
  std::unique_ptr<assets::UploadSweeper> upload_sweeper_;
  std::unique_ptr<assets::MediaStore> media_store_;
  std::unique_ptr<assets::AssetProcessor> asset_processor_;

  std::unique_ptr<ai::Provider> ai_provider_;  // null when no provider is configured
  std::unique_ptr<ai::UsageStore> ai_usage_store_;
  std::unique_ptr<ai::UsageService> ai_usage_;
  std::unique_ptr<ai::DownloadSigner> ai_downloads_;  // signed links to generated results
  jobs::HandlerRegistry job_handlers_;                // filled in the constructor, then read-only
  std::unique_ptr<jobs::JobStore> job_store_;
  std::unique_ptr<jobs::JobsService> jobs_;
  std::unique_ptr<jobs::WebhookStore> webhook_store_;
  std::unique_ptr<jobs::WebhookService> webhooks_;
  std::unique_ptr<jobs::ExternalWorkerStore> external_worker_store_;
  std::unique_ptr<jobs::ExternalWorkers> external_workers_;
  // After jobs_ (destroyed before it), so no worker outlives the service it runs jobs for.
  std::unique_ptr<jobs::JobWorkers> job_workers_;
  // Returns expired leases (in-process and external workers) to the queue; wakes both.
  std::unique_ptr<jobs::LeaseReaper> job_reaper_;
  // PostgreSQL only: wakes job_workers_ and external workers' long polls on submits from any
  // node (destroyed before them).
  std::unique_ptr<jobs::PgWakeup> job_wakeup_;
  events::Subscription revocations_;  // applies other instances' access-token revocations
};

// Blocks SIGINT and SIGTERM in the calling thread and returns them. Call it before any thread
// starts (threads inherit the mask), so only serve()'s signal thread ever receives them: a
// thread created earlier with the signals unblocked would let SIGTERM kill the process undrained.
sigset_t block_shutdown_signals();

// The server's signing secret: read from <data_dir>/secret.key, created (0600) when missing.
std::string load_or_create_secret(const std::string& data_dir);

}  // namespace od::app
