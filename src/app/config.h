// Server configuration. Precedence, highest first: command-line flags, OPENDESIGN_* environment
// variables, the JSON config file (--config or OPENDESIGN_CONFIG), built-in defaults. The
// defaults run a complete server on SQLite and local disk in ./data.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace od::app {

struct Config {
  std::string host = "0.0.0.0";
  int port = 8080;
  std::string data_dir = "./data";
  std::string database;  // empty: sqlite:<data_dir>/opendesign.db
  std::string redis;     // empty: in-process rate limits and events
  std::string tls_cert;
  std::string tls_key;
  std::string jwt_rsa_key;  // path of a PEM RSA private key; empty: HS256 with the data-dir secret
  std::vector<std::string> cors_origins;
  std::string log_level = "info";
  int io_threads = 1;
  int max_connections = 10000;  // the process also needs open files for each (ulimit -n)
  int worker_threads = 8;
  int db_pool = 8;
  // Per-rule overrides of the rate-limit table, by rule name ("login_ip=1000,user_ai=50").
  std::map<std::string, int> rate_limits;
  int access_token_ttl = 900;     // seconds
  int keep_versions = 100;        // project history kept per project
  int job_workers = 4;            // in-process job workers started by serve; 0: none
  int max_jobs_in_flight = 20;    // queued + running jobs per user
  int job_lease_seconds = 30;     // a job worker silent this long is presumed dead
  int job_poll_ms = 1000;         // idle job workers look for due jobs at least this often
  int worker_max_polls = 1000;    // external workers' long polls parked at once (then 503)
  int refresh_grace_ms = 10'000;  // concurrent refreshes with one token within this share a pair
  // Webhooks on job completion (jobs/webhooks.h).
  bool webhook_allow_private = false;  // let webhooks reach loopback and private addresses
  int webhook_attempts = 5;
  int webhook_base_delay_ms = 1000;
  int webhook_timeout_seconds = 10;
  int webhook_threads = 2;
  std::string config_file;
  // Mail and sign-in with OAuth providers (see README "Configuration").
  std::string public_url;  // empty: http://localhost:<port>
  std::string smtp_url;    // empty: mails are written to the log
  std::string smtp_user;
  std::string smtp_password;
  std::string mail_from = "Open Design <no-reply@localhost>";
  int reset_token_ttl = 3600;  // seconds; not in the README (tests shorten it)
  // OAuth providers: enabled when both client id and secret are set. Empty endpoints mean the
  // provider's real ones (auth/oauth.cpp); tests point them at a stand-in.
  std::string oauth_google_client_id;
  std::string oauth_google_client_secret;
  std::string oauth_google_auth_url;
  std::string oauth_google_token_url;
  std::string oauth_google_userinfo_url;
  std::string oauth_github_client_id;
  std::string oauth_github_client_secret;
  std::string oauth_github_auth_url;
  std::string oauth_github_token_url;
  std::string oauth_github_userinfo_url;
  std::string oauth_github_emails_url;
  // Assets and their blob store: local disk under <data_dir>/blobs unless an S3 bucket is set.
  int max_upload_mb = 100;   // one uploaded file
  int user_quota_mb = 1024;  // everything one user stores
  int max_import_mb = 2048;  // one uploaded project archive (staged on disk)
  std::string s3_endpoint;   // scheme://host[:port]; empty with a bucket: AWS
  std::string s3_bucket;     // set: blobs go to S3
  std::string s3_region = "us-east-1";
  std::string s3_access_key;
  std::string s3_secret_key;
  // How long a resumable (tus) upload may take, from its creation.
  int upload_expiry_seconds = 86400;
  // Signed URLs for asset bytes (contentUrl, .../url): how long they are valid.
  int signed_url_ttl_seconds = 900;
  int upload_sweep_seconds = 300;      // how often expired uploads are swept
  std::string s3_addressing = "path";  // path | virtual
  // Collaboration (src/collab): limits per connection and per room.
  int collab_max_message_bytes = 1 << 20;  // one WebSocket message; larger ones close with 1009
  int collab_messages_per_second = 200;    // per connection, sustained (bursts of twice that)
  int collab_max_rooms_per_user = 50;      // open connections (each is one room) per user
  int collab_room_idle_seconds = 30;       // a room without connections stays loaded this long
  int collab_max_document_mb = 64;         // merged document size
  int collab_auth_timeout_seconds = 10;    // to send the auth message when the URL has no token
  // The AI provider (OpenAI-compatible chat completions); no base URL: no provider.
  std::string ai_base_url;  // e.g. https://api.openai.com/v1, http://localhost:11434/v1
  std::string ai_api_key;
  std::string ai_model;
  int ai_timeout_seconds = 120;  // one provider request, start to end
  int ai_connect_timeout_seconds = 10;
  int ai_idle_timeout_seconds = 30;      // longest silence, also between stream chunks
  int ai_max_attempts = 3;               // provider requests per job attempt (429/5xx/network)
  int ai_max_retry_wait_seconds = 30;    // a longer Retry-After ends the call instead
  int ai_breaker_failures = 5;           // consecutive failed calls that open the circuit
  int ai_breaker_cooldown_seconds = 30;  // open this long before one probe call
  // Media processing of assets (src/assets/processing.h, src/media).
  std::vector<int> thumbnail_sizes = {64, 256, 1024};  // thumbnails; sides of thumb=WxH variants
  int media_timeout_seconds = 60;  // wall clock per decode (the child is killed after)
  int media_memory_mb = 1024;      // address space of the decoding child
  int media_max_megapixels = 100;  // larger declared images are refused before decoding

  std::string database_url() const;
};

// Every setting by its key ("port", "data-dir", ...), so the three sources share one table.
struct ConfigKey {
  const char* name;  // flag name without dashes; env is OPENDESIGN_ + upper snake of it
  const char* help;
};
const std::vector<ConfigKey>& config_keys();

// Applies `value` to the setting `name`; throws std::invalid_argument with a clear message.
void apply_setting(Config& config, const std::string& name, const std::string& value);
// Layers the config file and the environment under the flags already collected in `flags`.
Config resolve_config(const std::map<std::string, std::string>& flags,
                      const std::string& config_file);

}  // namespace od::app
