#include "assets/variants_api.h"

#include <sstream>

#include "assets/accept_format.h"
#include "assets/byte_range.h"
#include "assets/signed_request.h"
#include "auth/request_auth.h"
#include "core/error.h"
#include "core/log.h"
#include "http/etag.h"
#include "http/middleware.h"

namespace od::assets {
namespace {

using http::Method;
using http::Request;
using http::Response;

media::Format pick_format(const Request& req, const std::vector<media::Format>& offered) {
  auto format = negotiate_format(req.header("Accept"), offered);
  if (!format) {
    std::vector<std::string> types;
    for (auto f : offered) types.push_back(media::format_content_type(f));
    throw ApiError(406, "not_acceptable",
                   "None of the formats this image is made in is acceptable.",
                   {{"available", types}});
  }
  return *format;
}

// What serving a derivative needs of its request, copied so a render thread may answer it.
struct Conditions {
  std::optional<std::string> if_none_match;
  std::optional<std::string> range;
  std::string request_id;

  static Conditions of(const Request& req) {
    return {req.header("If-None-Match"), req.header("Range"), req.context.request_id};
  }
};

// The derivative's bytes with the headers of immutable content: strong ETag, Range, caching.
Response serve(AssetProcessor& processor, AssetsService& service, const Conditions& req,
               const Asset& asset, const Variant& variant) {
  Response response;
  std::string etag = "\"" + variant.sha256 + "\"";
  response.headers.set("ETag", etag);
  response.headers.set("Accept-Ranges", "bytes");
  response.headers.set("Vary", "Accept");
  response.headers.set("Cache-Control", service.is_public(asset)
                                            ? "public, max-age=31536000, immutable"
                                            : "private, no-cache, no-transform");
  response.headers.set("Content-Security-Policy", "default-src 'none'; sandbox");
  if (req.if_none_match && http::etag_matches(*req.if_none_match, etag)) {
    response.status = 304;
    return response;
  }
  auto size = static_cast<uint64_t>(variant.size);
  RangeRequest range = parse_range(req.range, size);
  if (range.kind == RangeRequest::Kind::Unsatisfiable) {
    Response refused = Response::json(416, {{"error",
                                             {{"code", "range_not_satisfiable"},
                                              {"message", "The range is outside the content."},
                                              {"details", {{"size", variant.size}}}}},
                                            {"requestId", req.request_id}});
    refused.headers.set("Content-Range", "bytes */" + std::to_string(size));
    return refused;
  }
  std::ostringstream out;
  if (range.kind == RangeRequest::Kind::Partial) {
    processor.read(variant, out, storage::ByteRange{range.first, range.last - range.first + 1});
    response.status = 206;
    response.headers.set("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                                              std::to_string(range.last) + "/" +
                                              std::to_string(size));
  } else {
    processor.read(variant, out);
  }
  response.body = std::move(out).str();
  response.headers.set("Content-Type", variant.content_type);
  return response;
}

// Renders (or finds, when another request rendered it meanwhile) and serves a variant, on a
// render thread: failures become the error envelope the request would have had.
Response rendered(AssetProcessor& processor, AssetsService& service, const Conditions& conditions,
                  const Asset& asset, const media::RenderSpec& spec) {
  try {
    bool generated = false;
    Variant variant = processor.variant(asset, spec, &generated);
    Response response = serve(processor, service, conditions, asset, variant);
    response.headers.set("X-Variant-Cache", generated ? "miss" : "hit");
    return response;
  } catch (const ApiError& e) {
    Response response =
        http::error_response(e.status(), e.code(), e.what(), conditions.request_id, e.details());
    if (e.retry_after() > 0) response.headers.set("Retry-After", std::to_string(e.retry_after()));
    return response;
  } catch (const std::exception& e) {
    log::error("variant render failed", {{"error", e.what()}, {"asset", asset.id}});
    return http::error_response(500, "internal_error", "Something went wrong on our side.",
                                conditions.request_id);
  }
}

int parse_size(const std::string& text) {
  if (text.empty() || text.size() > 5 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    return 0;
  }
  return std::stoi(text);
}

}  // namespace

http::Handler variant_content_handler(AssetsService& service, AssetProcessor& processor) {
  return [&service, &processor](Request& req) {
    std::string thumb = req.query("thumb").value_or("");
    std::string fit_name = req.query("fit").value_or("fit");
    Asset asset = asset_for_request(
        service, req, {.kind = SignedResource::Kind::Variant, .thumb = thumb, .fit = fit_name});
    auto box = media::parse_box(thumb);
    if (!box) {
      throw validation_error("thumb must be WxH, for example 256x256.", {{"field", "thumb"}});
    }
    auto fit = media::parse_fit(fit_name);
    if (!fit) throw validation_error("fit must be fit, fill or crop.", {{"field", "fit"}});
    media::Format format =
        pick_format(req, {media::Format::Webp, media::Format::Jpeg, media::Format::Png});
    media::RenderSpec spec{box->first, box->second, *fit, format};
    // Says whether this request rendered the variant or found it stored (monitoring, tests).
    if (auto stored = processor.stored_variant(asset, spec)) {
      Response response = serve(processor, service, Conditions::of(req), asset, *stored);
      response.headers.set("X-Variant-Cache", "hit");
      return response;
    }
    // Rendered on the processor's render threads: this request thread is free meanwhile, and
    // the server sends the answer when the render is done.
    auto deferred = http::make_deferred();
    bool queued = processor.submit_render(
        [&service, &processor, deferred, asset, spec, conditions = Conditions::of(req)] {
          deferred->complete(rendered(processor, service, conditions, asset, spec));
        });
    if (!queued) throw unavailable("Too many variants are waiting to be rendered; try again.", 2);
    Response later;
    later.deferred = std::move(deferred);
    return later;
  };
}

void register_variant_routes(http::Router& router, AssetsService& service,
                             AssetProcessor& processor) {
  router.add(
      Method::Get, "/api/v1/assets/{id}/thumbnails/{size}", [&service, &processor](Request& req) {
        int size = parse_size(req.param("size"));
        Asset asset = asset_for_request(
            service, req, {.kind = SignedResource::Kind::Thumbnail, .thumbnail_size = size});
        if (!processor.allowed_size(size)) {
          throw ApiError(400, "size_not_allowed",
                         "The thumbnail size must be one of the configured sizes.",
                         {{"field", "size"}, {"allowed", processor.config().thumbnail_sizes}});
        }
        media::Format format = pick_format(req, {media::Format::Webp, media::Format::Jpeg});
        processor.require_processed(asset);
        auto variant = processor.find(
            asset, "thumb-" + std::to_string(size) + "." + media::format_extension(format));
        if (!variant) {
          throw ApiError(422, "no_thumbnail",
                         "This asset has no thumbnails (vector images are served as "
                         "they are).");
        }
        return serve(processor, service, Conditions::of(req), asset, *variant);
      });
}

}  // namespace od::assets
