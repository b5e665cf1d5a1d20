#include "app/config.h"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace od::app {
namespace {

int parse_int(const std::string& name, const std::string& value, int min, int max) {
  try {
    size_t used = 0;
    int n = std::stoi(value, &used);
    if (used == value.size() && n >= min && n <= max) return n;
  } catch (const std::exception&) {
  }
  throw std::invalid_argument(name + " must be an integer from " + std::to_string(min) + " to " +
                              std::to_string(max) + ", not '" + value + "'");
}

// Settings that are plain strings, by key: one table instead of a branch each.
std::string Config::*string_setting(const std::string& name) {
  static const std::map<std::string, std::string Config::*> fields = {
      {"host", &Config::host},
      {"data-dir", &Config::data_dir},
      {"database", &Config::database},
      {"redis", &Config::redis},
      {"tls-cert", &Config::tls_cert},
      {"tls-key", &Config::tls_key},
      {"log-level", &Config::log_level},
      {"jwt-rsa-key", &Config::jwt_rsa_key},
      {"public-url", &Config::public_url},
      {"smtp-url", &Config::smtp_url},
      {"smtp-user", &Config::smtp_user},
      {"smtp-password", &Config::smtp_password},
      {"mail-from", &Config::mail_from},
      {"oauth-google-client-id", &Config::oauth_google_client_id},
      {"oauth-google-client-secret", &Config::oauth_google_client_secret},
      {"oauth-google-auth-url", &Config::oauth_google_auth_url},
      {"oauth-google-token-url", &Config::oauth_google_token_url},
      {"oauth-google-userinfo-url", &Config::oauth_google_userinfo_url},
      {"oauth-github-client-id", &Config::oauth_github_client_id},
      {"oauth-github-client-secret", &Config::oauth_github_client_secret},
      {"oauth-github-auth-url", &Config::oauth_github_auth_url},
      {"oauth-github-token-url", &Config::oauth_github_token_url},
      {"oauth-github-userinfo-url", &Config::oauth_github_userinfo_url},
      {"oauth-github-emails-url", &Config::oauth_github_emails_url},
      {"s3-endpoint", &Config::s3_endpoint},
      {"s3-bucket", &Config::s3_bucket},
      {"s3-region", &Config::s3_region},
      {"s3-access-key", &Config::s3_access_key},
      {"s3-secret-key", &Config::s3_secret_key},
      {"s3-addressing", &Config::s3_addressing},
      {"ai-base-url", &Config::ai_base_url},
      {"ai-api-key", &Config::ai_api_key},
      {"ai-model", &Config::ai_model},
  };
  auto it = fields.find(name);
  return it == fields.end() ? nullptr : it->second;
}

std::string env_name(const std::string& key) {
  std::string out = "OPENDESIGN_";
  for (char c : key) out.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(c)));
  return out;
}

}  // namespace

std::string Config::database_url() const {
  return database.empty() ? "sqlite:" + data_dir + "/opendesign.db" : database;
}

const std::vector<ConfigKey>& config_keys() {
  static const std::vector<ConfigKey> keys = {
      {"host", "address to listen on"},
      {"port", "TCP port (0 picks a free one)"},
      {"data-dir", "directory for the SQLite database, blobs and the signing secret"},
      {"database", "sqlite:PATH or postgres://user@host:port/db"},
      {"redis", "redis://host:port for shared rate limits and events across instances"},
      {"tls-cert", "PEM certificate chain: serve HTTPS"},
      {"tls-key", "PEM private key for --tls-cert"},
      {"cors-origins", "comma-separated origins allowed by CORS (* for any)"},
      {"log-level", "debug, info, warn or error"},
      {"io-threads", "network threads"},
      {"max-connections", "open client connections (WebSockets included); more are refused"},
      {"worker-threads", "threads that run request handlers"},
      {"db-pool", "database connections (readers on SQLite)"},
      {"access-token-ttl", "lifetime of access tokens, seconds"},
      {"jwt-rsa-key", "PEM RSA private key file: sign tokens with RS256 and publish a JWKS"},
      {"refresh-grace-ms",
       "window in which a just-rotated refresh token still returns its successor"},
      {"keep-versions", "versions kept per project; older ones are dropped"},
      {"job-workers", "in-process job worker threads (0: this node runs no jobs)"},
      {"max-jobs-in-flight", "queued and running jobs allowed per user"},
      {"job-lease-seconds", "seconds after which a silent job worker's job is run again"},
      {"job-poll-ms", "longest an idle job worker waits before looking for due jobs (retries)"},
      {"worker-max-polls", "external workers' long polls waiting at once (more answer 503)"},
      {"webhook-allow-private",
       "true: job webhooks may target loopback and private addresses (default false: SSRF guard)"},
      {"webhook-attempts", "attempts per webhook delivery before it is given up"},
      {"webhook-base-delay-ms", "delay before a webhook's second attempt; doubles each time"},
      {"webhook-timeout-seconds", "timeout of one webhook attempt"},
      {"webhook-threads", "webhook deliveries sent at once by this node"},
      {"rate-limits", "overrides of the rate-limit table: rule=limit per minute, comma-separated"},
      {"public-url", "URL of the web app, for mailed links and OAuth callbacks"},
      {"smtp-url", "smtp://host:port or smtps://host:port; without it mails go to the log"},
      {"smtp-user", "SMTP user name"},
      {"smtp-password", "SMTP password"},
      {"mail-from", "From of outgoing mail, e.g. 'Open Design <no-reply@example.com>'"},
      {"reset-token-ttl", "lifetime of password-reset links, seconds"},
      {"oauth-google-client-id", "Google OAuth client id (enables sign-in with Google)"},
      {"oauth-google-client-secret", "Google OAuth client secret"},
      {"oauth-google-auth-url", "Google authorization endpoint"},
      {"oauth-google-token-url", "Google token endpoint"},
      {"oauth-google-userinfo-url", "Google userinfo endpoint"},
      {"oauth-github-client-id", "GitHub OAuth client id (enables sign-in with GitHub)"},
      {"oauth-github-client-secret", "GitHub OAuth client secret"},
      {"oauth-github-auth-url", "GitHub authorization endpoint"},
      {"oauth-github-token-url", "GitHub token endpoint"},
      {"oauth-github-userinfo-url", "GitHub user endpoint"},
      {"oauth-github-emails-url", "GitHub user emails endpoint"},
      {"max-upload-mb", "largest uploaded asset, MiB"},
      {"user-quota-mb", "storage quota per user for assets, MiB"},
      {"max-import-mb", "largest uploaded project archive (ZIP with assets), MiB"},
      {"upload-expiry-seconds", "how long a resumable (tus) upload may take, seconds"},
      {"signed-url-ttl-seconds", "how long a signed URL for an asset's bytes is valid, seconds"},
      {"upload-sweep-seconds", "how often expired uploads and their staging files are swept"},
      {"s3-endpoint", "S3-compatible endpoint, scheme://host[:port] (default AWS)"},
      {"s3-bucket", "store blobs in this S3 bucket instead of <data-dir>/blobs"},
      {"s3-region", "S3 region for request signing"},
      {"s3-access-key", "S3 access key id"},
      {"s3-secret-key", "S3 secret access key"},
      {"s3-addressing", "path (endpoint/bucket/key) or virtual (bucket.endpoint/key)"},
      {"collab-max-message-bytes", "largest collaboration WebSocket message, bytes"},
      {"collab-messages-per-second", "collaboration messages per connection per second"},
      {"collab-max-rooms-per-user", "collaboration rooms (connections) one user may hold open"},
      {"collab-room-idle-seconds", "seconds an unused collaboration room stays in memory"},
      {"collab-max-document-mb", "largest collaborative document, MiB"},
      {"collab-auth-timeout-seconds", "seconds a connection without a token has to send one"},
      {"ai-base-url",
       "OpenAI-compatible API base, e.g. https://api.openai.com/v1 (enables refine)"},
      {"ai-api-key", "API key sent to the AI provider as a Bearer token"},
      {"ai-model", "model name for the AI provider (required with --ai-base-url)"},
      {"ai-timeout-seconds", "longest one AI provider request may take, start to end"},
      {"ai-connect-timeout-seconds", "longest wait to connect to the AI provider"},
      {"ai-idle-timeout-seconds", "longest silence from the AI provider, also between chunks"},
      {"ai-max-attempts", "AI provider requests per job attempt (retries on 429/5xx/network)"},
      {"ai-max-retry-wait-seconds", "longest Retry-After or backoff waited before a retry"},
      {"ai-breaker-failures", "consecutive failed AI calls that open the circuit breaker"},
      {"ai-breaker-cooldown-seconds", "seconds the open circuit waits before one probe call"},
      {"thumbnail-sizes",
       "comma-separated thumbnail sizes in pixels (also the allowed sides of "
       "thumb=WxH variants)"},
      {"media-timeout-seconds", "wall-clock limit of one media decode"},
      {"media-memory-mb", "memory limit of the media decoding process, MiB"},
      {"media-max-megapixels", "largest image (declared width x height) that is decoded"},
  };
  return keys;
}

void apply_setting(Config& c, const std::string& name, const std::string& value) {
  if (auto field = string_setting(name))
    c.*field = value;
  else if (name == "port")
    c.port = parse_int(name, value, 0, 65535);
  else if (name == "io-threads")
    c.io_threads = parse_int(name, value, 1, 64);
  else if (name == "max-connections")
    c.max_connections = parse_int(name, value, 1, 1'000'000);
  else if (name == "worker-threads")
    c.worker_threads = parse_int(name, value, 1, 256);
  else if (name == "access-token-ttl")
    c.access_token_ttl = parse_int(name, value, 1, 86400);
  else if (name == "refresh-grace-ms")
    c.refresh_grace_ms = parse_int(name, value, 0, 600'000);
  else if (name == "keep-versions")
    c.keep_versions = parse_int(name, value, 1, 10'000);
  else if (name == "job-workers")
    c.job_workers = parse_int(name, value, 0, 256);
  else if (name == "max-jobs-in-flight")
    c.max_jobs_in_flight = parse_int(name, value, 1, 1'000'000);
  else if (name == "job-lease-seconds")
    c.job_lease_seconds = parse_int(name, value, 1, 86400);
  else if (name == "job-poll-ms")
    c.job_poll_ms = parse_int(name, value, 10, 3'600'000);
  else if (name == "worker-max-polls")
    c.worker_max_polls = parse_int(name, value, 1, 100'000);
  else if (name == "webhook-allow-private") {
    if (value != "true" && value != "false")
      throw std::invalid_argument("webhook-allow-private must be true or false");
    c.webhook_allow_private = value == "true";
  } else if (name == "webhook-attempts")
    c.webhook_attempts = parse_int(name, value, 1, 20);
  else if (name == "webhook-base-delay-ms")
    c.webhook_base_delay_ms = parse_int(name, value, 10, 3'600'000);
  else if (name == "webhook-timeout-seconds")
    c.webhook_timeout_seconds = parse_int(name, value, 1, 120);
  else if (name == "webhook-threads")
    c.webhook_threads = parse_int(name, value, 1, 64);
  else if (name == "db-pool")
    c.db_pool = parse_int(name, value, 1, 256);
  else if (name == "reset-token-ttl")
    c.reset_token_ttl = parse_int(name, value, 1, 86400);
  else if (name == "max-upload-mb")
    c.max_upload_mb = parse_int(name, value, 1, 2048);
  else if (name == "user-quota-mb")
    c.user_quota_mb = parse_int(name, value, 1, 100'000'000);
  else if (name == "max-import-mb")
    c.max_import_mb = parse_int(name, value, 1, 1'000'000);
  else if (name == "collab-max-message-bytes")
    c.collab_max_message_bytes = parse_int(name, value, 1024, 64 << 20);
  else if (name == "collab-messages-per-second")
    c.collab_messages_per_second = parse_int(name, value, 1, 100'000);
  else if (name == "collab-max-rooms-per-user")
    c.collab_max_rooms_per_user = parse_int(name, value, 1, 100'000);
  else if (name == "collab-room-idle-seconds")
    c.collab_room_idle_seconds = parse_int(name, value, 0, 86400);
  else if (name == "collab-max-document-mb")
    c.collab_max_document_mb = parse_int(name, value, 1, 1024);
  else if (name == "collab-auth-timeout-seconds")
    c.collab_auth_timeout_seconds = parse_int(name, value, 1, 3600);
  else if (name == "ai-timeout-seconds")
    c.ai_timeout_seconds = parse_int(name, value, 1, 3600);
  else if (name == "ai-connect-timeout-seconds")
    c.ai_connect_timeout_seconds = parse_int(name, value, 1, 300);
  else if (name == "ai-idle-timeout-seconds")
    c.ai_idle_timeout_seconds = parse_int(name, value, 1, 3600);
  else if (name == "ai-max-attempts")
    c.ai_max_attempts = parse_int(name, value, 1, 10);
  else if (name == "ai-max-retry-wait-seconds")
    c.ai_max_retry_wait_seconds = parse_int(name, value, 0, 600);
  else if (name == "ai-breaker-failures")
    c.ai_breaker_failures = parse_int(name, value, 1, 1000);
  else if (name == "ai-breaker-cooldown-seconds")
    c.ai_breaker_cooldown_seconds = parse_int(name, value, 1, 86400);
  else if (name == "upload-expiry-seconds")
    c.upload_expiry_seconds = parse_int(name, value, 1, 30 * 86400);
  else if (name == "signed-url-ttl-seconds")
    c.signed_url_ttl_seconds = parse_int(name, value, 1, 7 * 86400);
  else if (name == "upload-sweep-seconds")
    c.upload_sweep_seconds = parse_int(name, value, 1, 86400);
  else if (name == "media-timeout-seconds")
    c.media_timeout_seconds = parse_int(name, value, 1, 3600);
  else if (name == "media-memory-mb")
    c.media_memory_mb = parse_int(name, value, 64, 65536);
  else if (name == "media-max-megapixels")
    c.media_max_megapixels = parse_int(name, value, 1, 10'000);
  else if (name == "thumbnail-sizes") {
    c.thumbnail_sizes.clear();
    std::stringstream in(value);
    for (std::string item; std::getline(in, item, ',');) {
      c.thumbnail_sizes.push_back(parse_int(name, item, 16, 4096));
    }
    if (c.thumbnail_sizes.empty() || c.thumbnail_sizes.size() > 8) {
      throw std::invalid_argument("thumbnail-sizes takes one to eight sizes");
    }
  } else if (name == "cors-origins") {
    c.cors_origins.clear();
    std::stringstream in(value);
    for (std::string origin; std::getline(in, origin, ',');) {
      if (!origin.empty()) c.cors_origins.push_back(origin);
    }
  } else if (name == "rate-limits") {
    c.rate_limits.clear();
    std::stringstream in(value);
    for (std::string item; std::getline(in, item, ',');) {
      size_t eq = item.find('=');
      if (eq == std::string::npos || eq == 0) {
        throw std::invalid_argument("rate-limits entries look like rule=limit, not '" + item + "'");
      }
      c.rate_limits[item.substr(0, eq)] = parse_int(name, item.substr(eq + 1), 1, 100'000'000);
    }
  } else {
    throw std::invalid_argument("unknown setting '" + name + "'");
  }
}

Config resolve_config(const std::map<std::string, std::string>& flags,
                      const std::string& config_file) {
  Config config;
  std::string file = config_file;
  if (file.empty()) {
    if (const char* env = std::getenv("OPENDESIGN_CONFIG")) file = env;
  }
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) throw std::invalid_argument("cannot read config file " + file);
    auto json = nlohmann::json::parse(in, nullptr, false);
    if (!json.is_object())
      throw std::invalid_argument("config file " + file + " is not a JSON object");
    for (auto it = json.begin(); it != json.end(); ++it) {
      std::string value = it->is_string() ? it->get<std::string>() : it->dump();
      apply_setting(config, it.key(), value);
    }
    config.config_file = file;
  }
  for (const auto& key : config_keys()) {
    if (const char* env = std::getenv(env_name(key.name).c_str())) {
      apply_setting(config, key.name, env);
    }
  }
  for (const auto& [name, value] : flags) apply_setting(config, name, value);
  return config;
}

}  // namespace od::app
