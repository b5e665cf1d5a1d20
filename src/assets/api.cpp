#include "assets/api.h"

#include <sstream>

#include "assets/byte_range.h"
#include "auth/request_auth.h"
#include "core/error.h"
#include "core/pagination.h"

namespace od::assets {
namespace {

using auth::optional_principal;
using auth::require_principal;
using http::Method;
using http::Request;
using http::Response;

// The body is whole in memory (the HTTP layer has no streaming request bodies yet), so the
// route's limit is the per-file limit plus nothing: larger uploads get 413 before the handler.
std::optional<std::string> project_param(const Request& req) {
  auto id = req.query("projectId");
  if (id && (id->empty() || id->size() > 64)) {
    throw validation_error("projectId is not a valid id.", {{"field", "projectId"}});
  }
  return id;
}

std::string strong_etag(const Asset& asset) { return "\"" + asset.sha256 + "\""; }

bool etag_matches(const std::string& if_none_match, const std::string& etag) {
  if (if_none_match == "*") return true;
  std::istringstream list(if_none_match);
  std::string item;
  while (std::getline(list, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.starts_with("W/")) item.erase(0, 2);
    if (item == etag) return true;
  }
  return false;
}

void content_headers(Response& response, const Asset& asset) {
  response.headers.set("ETag", strong_etag(asset));
  response.headers.set("Accept-Ranges", "bytes");
  // Private bytes: caches must revalidate (cheap with the ETag) and never transform them.
  response.headers.set("Cache-Control", "private, no-cache, no-transform");
  // Served from the API origin: never let a browser render an upload as a page of ours.
  response.headers.set("Content-Security-Policy",
                       "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  response.headers.set("Content-Disposition", "inline; filename=\"" + asset.filename + "\"");
}

Response content(AssetsService& service, Request& req) {
  Asset asset = service.get(optional_principal(req), req.param("id"));
  if (asset.status != "ready") throw conflict("not_ready", "The asset is not ready yet.");
  Response response;
  content_headers(response, asset);
  auto if_none_match = req.header("If-None-Match");
  if (if_none_match && etag_matches(*if_none_match, strong_etag(asset))) {
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
  std::ostringstream out;
  if (range.kind == RangeRequest::Kind::Partial) {
    service.read(asset, out, storage::ByteRange{range.first, range.last - range.first + 1});
    response.status = 206;
    response.headers.set("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                              std::to_string(range.last) + "/" +
                                              std::to_string(size));
  } else {
    service.read(asset, out);
  }
  response.body = std::move(out).str();
  response.headers.set("Content-Type", asset.content_type);
  return response;
}

}  // namespace

void register_routes(http::Router& router, AssetsService& service, http::Handler thumb_variants) {
  router.add(Method::Post, "/api/v1/assets",
             [&service](Request& req) {
               auto me = require_principal(req);
               UploadInput input;
               input.filename = req.query("filename").value_or("upload");
               if (input.filename.size() > 1024) {
                 throw validation_error("filename is too long.", {{"field", "filename"}});
               }
               input.declared_type = req.header("Content-Type").value_or("");
               input.project_id = project_param(req);
               input.bytes = req.body;
               return Response::json(201, service.describe(service.upload(me, input)));
             },
             {static_cast<size_t>(service.config().max_file_bytes), "upload",
              "Upload an asset (raw body)"});

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

  router.add(Method::Delete, "/api/v1/assets/{id}", [&service](Request& req) {
    service.remove(require_principal(req), req.param("id"));
    return Response::no_content();
  });
}

}  // namespace od::assets
