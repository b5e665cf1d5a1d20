// The composition root: the one place that builds the modules from a Config and wires them
// together. `serve` and the CLI's admin commands share it, so both see the same storage.
#pragma once

#include <signal.h>

#include <memory>

#include "app/config.h"
#include "auth/oauth.h"
#include "auth/service.h"
#include "db/database.h"
#include "events/bus.h"
#include "events/sse_hub.h"
#include "http/router.h"
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
  // Every route the server serves (also what the OpenAPI check compares against).
  void register_routes(http::Router& router);

  const Config& config() const { return config_; }
  db::Database& database() { return *db_; }
  auth::AuthService& accounts() { return *accounts_; }
  projects::ProjectsService& projects() { return *projects_; }

 private:
  void share_access_revocations();

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
  events::Subscription revocations_;  // applies other instances' access-token revocations
};

// Blocks SIGINT and SIGTERM in the calling thread and returns them. Call it before any thread
// starts (threads inherit the mask), so only serve()'s signal thread ever receives them: a
// thread created earlier with the signals unblocked would let SIGTERM kill the process undrained.
sigset_t block_shutdown_signals();

// The server's signing secret: read from <data_dir>/secret.key, created (0600) when missing.
std::string load_or_create_secret(const std::string& data_dir);

}  // namespace od::app
