#include "assets/presigned_api.h"

#include "assets/signed_request.h"
#include "auth/request_auth.h"
#include "core/error.h"
#include "core/json_input.h"
#include "core/time.h"

namespace od::assets {
namespace {

using auth::require_principal;
using http::Method;
using http::Request;
using http::Response;
using namespace json_input;

}  // namespace

void register_presigned_routes(http::Router& router, PresignedUploads& uploads,
                               AssetsService& service) {
  router.add(Method::Post, "/api/v1/assets/presign",
             [&uploads](Request& req) {
               auto me = require_principal(req);
               auto body = parse_object(req.body);
               reject_unknown_fields(body, {"filename", "contentType", "size", "projectId"});
               StreamedUpload upload;
               upload.filename = *string_field(body, "filename", true, 1, 1024);
               upload.declared_type = *string_field(body, "contentType", true, 1, 200);
               upload.declared_size = *int_field(body, "size", true, 1, uploads.max_bytes());
               upload.project_id = string_field(body, "projectId", false, 1, 64);
               PresignedGrant grant = uploads.presign(me, upload);
               return Response::json(201, {{"assetId", grant.asset_id},
                                           {"uploadUrl", grant.upload_url},
                                           {"method", "PUT"},
                                           {"headers", grant.headers},
                                           {"expiresAt", rfc3339(grant.expires_at)}});
             },
             {.max_body_bytes = 16 * 1024, .rate_class = "upload", .summary = "Presign an upload"});

  router.add(Method::Put, "/api/v1/assets/presigned/{id}",
             [&uploads](Request& req) {
               int64_t expires = signed_query_number(req, "expires");
               int64_t size = signed_query_number(req, "size");
               std::string signature = req.query("signature").value_or("");
               http::BodyReader& body = *req.body_reader;
               uploads.receive(req.param("id"), expires, size, signature,
                               [&body](char* out, size_t max) { return body.read(out, max); });
               return Response::json(200, {{"assetId", req.param("id")}, {"received", true}});
             },
             {.max_body_bytes = static_cast<size_t>(uploads.max_bytes()),
              .rate_class = "api",
              .summary = "The signed upload URL",
              .stream_body = true});

  router.add(
      Method::Post, "/api/v1/assets/complete",
      [&uploads, &service](Request& req) {
        auto me = require_principal(req);
        auto body = parse_object(req.body);
        reject_unknown_fields(body, {"assetId"});
        std::string id = *string_field(body, "assetId", true, 1, 64);
        return Response::json(201, service.describe(uploads.complete(me, id)));
      },
      {.max_body_bytes = 4 * 1024, .rate_class = "api", .summary = "Complete a presigned upload"});
}

}  // namespace od::assets
