#include "assets/resumable_api.h"

#include <ctime>

#include "auth/request_auth.h"
#include "core/crypto.h"
#include "core/error.h"

namespace od::assets {
namespace {

using auth::require_principal;
using http::Method;
using http::Request;
using http::Response;

constexpr char kVersion[] = "1.0.0";
constexpr char kExtensions[] = "creation,expiration,termination";
constexpr size_t kMaxMetadataValue = 1024;

// RFC 7231 IMF-fixdate, the format tus uses for Upload-Expires.
std::string http_date(int64_t unix_ms) {
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[64];
  std::strftime(out, sizeof out, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return out;
}

// A non-negative decimal header value, or nothing.
std::optional<int64_t> count_header(const Request& req, const char* name) {
  auto text = req.header(name);
  if (!text || text->empty() || text->size() > 18) return std::nullopt;
  int64_t value = 0;
  for (char c : *text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// Upload-Metadata: comma-separated "key base64value" pairs (the value may be absent).
std::map<std::string, std::string> parse_metadata(const std::string& header) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start <= header.size()) {
    size_t comma = header.find(',', start);
    std::string pair = header.substr(start, comma == std::string::npos ? comma : comma - start);
    start = comma == std::string::npos ? header.size() + 1 : comma + 1;
    pair.erase(0, pair.find_first_not_of(' '));
    if (pair.empty()) continue;
    size_t space = pair.find(' ');
    std::string key = pair.substr(0, space);
    std::string encoded = space == std::string::npos ? "" : pair.substr(space + 1);
    // Standard base64 read through the base64url decoder.
    for (char& c : encoded) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
    std::string value;
    if (!crypto::base64url_decode(encoded, value) || value.size() > kMaxMetadataValue) {
      throw validation_error("Upload-Metadata is malformed.", {{"field", "Upload-Metadata"}});
    }
    out[key] = value;
  }
  return out;
}

// Every tus answer, errors included, carries Tus-Resumable; requests must declare the version.
template <typename F>
http::Handler tus(F body) {
  return [body](Request& req) {
    Response response;
    try {
      auto version = req.header("Tus-Resumable");
      if (!version || *version != kVersion) {
        ApiError error(412, "tus_version_unsupported", "This server speaks tus 1.0.0.",
                       {{"supported", kVersion}});
        throw error;
      }
      response = body(req);
    } catch (const ApiError& e) {
      response = Response::json(
          e.status(),
          {{"error", {{"code", e.code()}, {"message", e.what()}, {"details", e.details()}}},
           {"requestId", req.context.request_id}});
      if (e.retry_after() > 0) response.headers.set("Retry-After", std::to_string(e.retry_after()));
      if (e.status() == 412) response.headers.set("Tus-Version", kVersion);
    }
    response.headers.set("Tus-Resumable", kVersion);
    response.headers.set("Cache-Control", "no-store");
    return response;
  };
}

void upload_headers(Response& response, const ResumableUploads::State& state) {
  response.headers.set("Upload-Offset", std::to_string(state.offset));
  response.headers.set("Upload-Length", std::to_string(state.upload.length));
  response.headers.set("Upload-Expires", http_date(state.upload.expires_at));
  if (state.upload.asset_id) response.headers.set("Upload-Asset-Id", *state.upload.asset_id);
}

}  // namespace

void register_resumable_routes(http::Router& router, ResumableUploads& uploads) {
  router.add(Method::Options, "/api/v1/uploads", [&uploads](Request&) {
    Response response = Response::no_content();
    response.headers.set("Tus-Resumable", kVersion);
    response.headers.set("Tus-Version", kVersion);
    response.headers.set("Tus-Extension", kExtensions);
    response.headers.set("Tus-Max-Size", std::to_string(uploads.max_bytes()));
    return response;
  });

  router.add(Method::Post, "/api/v1/uploads", tus([&uploads](Request& req) {
               auto me = require_principal(req);
               if (req.header("Upload-Defer-Length")) {
                 throw validation_error("Upload-Length is required (no deferred length).",
                                        {{"field", "Upload-Length"}});
               }
               auto length = count_header(req, "Upload-Length");
               if (!length) {
                 throw validation_error("Upload-Length must be a number of bytes.",
                                        {{"field", "Upload-Length"}});
               }
               if (*length > uploads.max_bytes()) {
                 throw payload_too_large("Upload-Length exceeds Tus-Max-Size.");
               }
               auto metadata = parse_metadata(req.header("Upload-Metadata").value_or(""));
               StreamedUpload meta;
               meta.filename = metadata.count("filename") ? metadata["filename"] : "upload";
               meta.declared_type = metadata.count("filetype") ? metadata["filetype"] : "";
               if (metadata.count("projectId")) meta.project_id = metadata["projectId"];
               meta.declared_size = *length;
               ResumableUpload created = uploads.create(me, meta);
               Response response = Response::text(201, "", "text/plain");
               response.headers.set("Location", "/api/v1/uploads/" + created.id);
               upload_headers(response, {created, 0});
               return response;
             }),
             {.max_body_bytes = 0, .rate_class = "upload", .summary = "Create a tus upload"});

  router.add(Method::Head, "/api/v1/uploads/{id}", tus([&uploads](Request& req) {
               Response response = Response::no_content();
               response.status = 200;
               upload_headers(response, uploads.status(require_principal(req), req.param("id")));
               return response;
             }));

  http::RouteOptions patch{.max_body_bytes = static_cast<size_t>(uploads.max_bytes()),
                           .rate_class = "api",
                           .summary = "Append bytes to a tus upload",
                           .stream_body = true};
  router.add(Method::Patch, "/api/v1/uploads/{id}", tus([&uploads](Request& req) {
               auto me = require_principal(req);
               if (req.header("Content-Type").value_or("") != "application/offset+octet-stream") {
                 throw ApiError(415, "unsupported_type",
                                "PATCH bodies must be application/offset+octet-stream.");
               }
               auto offset = count_header(req, "Upload-Offset");
               if (!offset) {
                 throw validation_error("Upload-Offset must be a number of bytes.",
                                        {{"field", "Upload-Offset"}});
               }
               http::BodyReader& body = *req.body_reader;
               auto appended =
                   uploads.append(me, req.param("id"), *offset,
                                  [&body](char* out, size_t max) { return body.read(out, max); });
               Response response = Response::no_content();
               response.headers.set("Upload-Offset", std::to_string(appended.offset));
               if (appended.asset) response.headers.set("Upload-Asset-Id", appended.asset->id);
               return response;
             }),
             patch);

  router.add(Method::Delete, "/api/v1/uploads/{id}", tus([&uploads](Request& req) {
               uploads.terminate(require_principal(req), req.param("id"));
               return Response::no_content();
             }));
}

}  // namespace od::assets
