#include "assets/api.h"

#include <charconv>
#include <sstream>

#include "assets/byte_range.h"
#include "assets/signed_request.h"
#include "auth/request_auth.h"
#include "core/error.h"
#include "core/json_input.h"
#include "core/pagination.h"
#include "core/time.h"
#include "http/etag.h"
#include "http/multipart_file.h"
#include "http/writer_buffer.h"
#include "media/render.h"

namespace od::assets {
namespace {

using auth::optional_principal;
using auth::require_principal;
using http::Method;
using http::Request;
using http::Response;

std::optional<std::string> project_param(const Request& req) {
  auto id = req.query("projectId");
  if (id && (id->empty() || id->size() > 64)) {
    throw validation_error("projectId is not a valid id.", {{"field", "projectId"}});
  }
  return id;
}

std::string strong_etag(const Asset& asset) { return "\"" + asset.sha256 + "\""; }

void content_headers(Response& response, const Asset& asset, bool is_public) {
  response.headers.set("ETag", strong_etag(asset));
  response.headers.set("Accept-Ranges", "bytes");
  // The bytes under one id never change: public ones may be cached by anyone for good; private
  // ones must be revalidated (cheap with the ETag). Neither may be transformed.
  response.headers.set("Cache-Control", is_public ? "public, max-age=31536000, immutable"
                                                  : "private, no-cache, no-transform");
  // Served from the API origin: never let a browser render an upload as a page of ours.
  response.headers.set("Content-Security-Policy",
                       "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  response.headers.set("Content-Disposition", "inline; filename=\"" + asset.filename + "\"");
}

Response content(AssetsService& service, Request& req) {
  Asset asset = asset_for_request(service, req, {});
  if (asset.status != "ready") throw conflict("not_ready", "The asset is not ready yet.");
  Response response;
  content_headers(response, asset, service.is_public(asset));
  auto if_none_match = req.header("If-None-Match");
  if (if_none_match && http::etag_matches(*if_none_match, strong_etag(asset))) {
    response.status = 304;
    return response;
  }
  auto size = static_cast<uint64_t>(asset.size);
  std::optional<std::string> range_header = req.header("Range");
  RangeRequest range = parse_range(range_header, size);
  if (range.kind == RangeRequest::Kind::Unsatisfiable) {
    Response refused = Response::json(416, {{"error",
                                             {{"code", "range_not_satisfiable"},
                                              {"message", "The range is outside the content."},
                                              {"details", {{"size", asset.size}}}}},
                                            {"requestId", req.context.request_id}});
    refused.headers.set("Content-Range", "bytes */" + std::to_string(size));
    return refused;
  }
  service.require_content(asset);  // a missing blob is a clear 410, not a cut-off body
  std::optional<storage::ByteRange> part;
  response.content_length = size;
  if (range.kind == RangeRequest::Kind::Partial) {
    part = storage::ByteRange{range.first, range.last - range.first + 1};
    response.content_length = *part->length;
    response.status = 206;
    response.headers.set("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                              std::to_string(range.last) + "/" +
                                              std::to_string(size));
  }
  response.headers.set("Content-Type", asset.content_type);
  // Streamed from the blob store as the client takes it: a large video costs a few chunks.
  response.body_producer = [&service, asset, part](http::BodyWriter& writer) {
    http::WriterBuffer buffer(writer);
    std::ostream out(&buffer);
    service.read(asset, out, part);
    out.flush();
  };
  return response;
}

// The raw body is the file; its Content-Type header is the declared type.
Response upload(AssetsService& service, Request& req) {
  auto me = require_principal(req);
  StreamedUpload upload;
  upload.filename = req.query("filename").value_or("upload");
  if (upload.filename.size() > 1024) {
    throw validation_error("filename is too long.", {{"field", "filename"}});
  }
  upload.declared_type = req.header("Content-Type").value_or("");
  upload.project_id = project_param(req);
  http::BodyReader& body = *req.body_reader;
  // A browser form (multipart/form-data): the file part's own name and type, streamed likewise.
  if (upload.declared_type.starts_with("multipart/form-data")) {
    http::MultipartFileReader form(body, upload.declared_type);
    form.open();
    if (!req.query("filename")) upload.filename = form.filename();
    upload.declared_type = form.content_type();
    ByteSource source = [&form](char* out, size_t max) { return form.read(out, max); };
    return Response::json(201, service.describe(service.upload_stream(me, upload, source)));
  }
  if (auto length = req.header("Content-Length")) {
    int64_t value = 0;
    auto [end, ec] = std::from_chars(length->data(), length->data() + length->size(), value);
    if (ec == std::errc() && end == length->data() + length->size()) upload.declared_size = value;
  }
  ByteSource source = [&body](char* out, size_t max) { return body.read(out, max); };
  return Response::json(201, service.describe(service.upload_stream(me, upload, source)));
}

// POST /api/v1/assets/{id}/url {thumbnail?: size} or {thumb?: "WxH", fit?}: a signed URL for the
// original or one derivative, for a caller who may read the asset.
Response signed_url(AssetsService& service, Request& req) {
  auto me = require_principal(req);
  auto body = req.body.empty() ? nlohmann::json::object() : json_input::parse_object(req.body);
  json_input::reject_unknown_fields(body, {"thumbnail", "thumb", "fit"});
  auto thumbnail = json_input::int_field(body, "thumbnail", false, 1, 99999);
  auto thumb = json_input::string_field(body, "thumb", false, 3, 11);
  auto fit = json_input::string_field(body, "fit", false, 1, 8);
  if (thumbnail && thumb) {
    throw validation_error("Ask for a thumbnail or a thumb variant, not both.",
                           {{"field", "thumb"}});
  }
  if (thumb && !media::parse_box(*thumb)) {
    throw validation_error("thumb must be WxH, for example 256x256.", {{"field", "thumb"}});
  }
  if (fit && (!thumb || !media::parse_fit(*fit))) {
    throw validation_error("fit must be fit, fill or crop, with thumb.", {{"field", "fit"}});
  }
  SignedResource resource;
  if (thumbnail) {
    resource = {.kind = SignedResource::Kind::Thumbnail, .thumbnail_size = int(*thumbnail)};
  } else if (thumb) {
    resource = {.kind = SignedResource::Kind::Variant, .thumb = *thumb, .fit = fit.value_or("fit")};
  }
  Asset asset = service.get(me, req.param("id"));
  auto url = service.signed_url(asset, resource);
  if (!url) throw unavailable("Signed URLs are not configured on this server.");
  return Response::json(201,
                        {{"url", *url}, {"expiresAt", rfc3339(service.signed_url_expiry_ms())}});
}

}  // namespace

void register_routes(http::Router& router, AssetsService& service, http::Handler thumb_variants) {
  // Streamed: the body goes to a staging file as it arrives, never whole into memory.
  router.add(Method::Post, "/api/v1/assets",
             [&service](Request& req) { return upload(service, req); },
             {.max_body_bytes = static_cast<size_t>(service.config().max_file_bytes),
              .rate_class = "upload",
              .summary = "Upload an asset (raw body)",
              .stream_body = true});

  router.add(Method::Get, "/api/v1/assets", [&service](Request& req) {
    auto me = require_principal(req);
    PageRequest page = parse_page(req.query("limit"), req.query("cursor"));
    auto found = service.list(me, project_param(req), page.after, page.limit);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& asset : found) items.push_back(service.describe(asset));
    return Response::json(200, page_json(items, found.empty() ? "" : found.back().id, page.limit));
  });

  router.add(Method::Get, "/api/v1/assets/{id}", [&service](Request& req) {
    return Response::json(200,
                          service.describe(service.get(optional_principal(req), req.param("id"))));
  });

  router.add(Method::Get, "/api/v1/assets/{id}/content", [&service, thumb_variants](Request& req) {
    if (thumb_variants && req.query("thumb")) return thumb_variants(req);
    return content(service, req);
  });

  router.add(Method::Post, "/api/v1/assets/{id}/url",
             [&service](Request& req) { return signed_url(service, req); },
             {.max_body_bytes = 4 * 1024, .summary = "A short-lived signed URL for the bytes"});

  router.add(Method::Delete, "/api/v1/assets/{id}", [&service](Request& req) {
    service.remove(require_principal(req), req.param("id"));
    return Response::no_content();
  });
}

}  // namespace od::assets
