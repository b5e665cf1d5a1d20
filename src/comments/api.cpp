#include "comments/api.h"

#include "auth/request_auth.h"
#include "core/error.h"
#include "core/json_input.h"
#include "core/pagination.h"

namespace od::comments {
namespace {

using auth::require_principal;
using http::Method;
using http::Request;
using http::Response;
namespace ji = json_input;

constexpr size_t kBodyLimit = 64 * 1024;
constexpr size_t kMaxCommentChars = 10'000;
constexpr int64_t kMaxOffset = 1'000'000'000;

std::string comment_body(const nlohmann::json& body) {
  return *ji::string_field(body, "body", true, 1, kMaxCommentChars);
}

// {"nodeId": "..."} or {"file": "...", "from": n, "to": m} with 0 <= from <= to.
nlohmann::json parse_anchor(const nlohmann::json& body) {
  if (!body.contains("anchor") || !body["anchor"].is_object()) {
    throw validation_error("Field 'anchor' must be an object: {nodeId} or {file, from, to}.",
                           {{"field", "/anchor"}});
  }
  const auto& anchor = body["anchor"];
  if (anchor.contains("nodeId")) {
    ji::reject_unknown_fields(anchor, {"nodeId"});
    return {{"nodeId", *ji::string_field(anchor, "nodeId", true, 1, 200)}};
  }
  ji::reject_unknown_fields(anchor, {"file", "from", "to"});
  auto file = *ji::string_field(anchor, "file", true, 1, 200);
  for (char c : file) {
    if (static_cast<unsigned char>(c) < 0x20) {
      throw validation_error("Field 'anchor.file' holds a control character.",
                             {{"field", "/anchor/file"}});
    }
  }
  auto from = *ji::int_field(anchor, "from", true, 0, kMaxOffset);
  auto to = *ji::int_field(anchor, "to", true, 0, kMaxOffset);
  if (to < from) {
    throw validation_error("Field 'anchor.to' must not be before 'anchor.from'.",
                           {{"field", "/anchor/to"}});
  }
  return {{"file", file}, {"from", from}, {"to", to}};
}

ThreadFilter parse_status(const Request& req) {
  auto status = req.query("status").value_or("all");
  if (status == "all") return ThreadFilter::kAll;
  if (status == "open") return ThreadFilter::kOpen;
  if (status == "resolved") return ThreadFilter::kResolved;
  throw validation_error("status must be open, resolved or all", {{"field", "status"}});
}

}  // namespace

void register_routes(http::Router& router, CommentsService& service) {
  const std::string base = "/api/v1/projects/{id}/comments";

  router.add(Method::Get, base, [&service](Request& req) {
    auto me = require_principal(req);
    PageRequest page = parse_page(req.query("limit"), req.query("cursor"));
    auto found = service.threads(me, req.param("id"), parse_status(req), page.after, page.limit);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& c : found) items.push_back(to_json(c));
    return Response::json(200, page_json(items, found.empty() ? "" : found.back().id, page.limit));
  });

  router.add(Method::Post, base,
             [&service](Request& req) {
               auto me = require_principal(req);
               auto body = ji::parse_object(req.body);
               ji::reject_unknown_fields(body, {"body", "anchor"});
               NewComment input{comment_body(body), parse_anchor(body)};
               return Response::json(
                   201, to_json(service.create_thread(me, req.param("id"), std::move(input))));
             },
             {kBodyLimit, "api", ""});

  router.add(Method::Get, base + "/{commentId}", [&service](Request& req) {
    auto me = require_principal(req);
    auto thread = service.thread(me, req.param("id"), req.param("commentId"));
    auto out = to_json(thread.root);
    out["replies"] = nlohmann::json::array();
    for (const auto& r : thread.replies) out["replies"].push_back(to_json(r));
    return Response::json(200, out);
  });

  router.add(Method::Patch, base + "/{commentId}",
             [&service](Request& req) {
               auto me = require_principal(req);
               auto body = ji::parse_object(req.body);
               ji::reject_unknown_fields(body, {"body"});
               return Response::json(
                   200, to_json(service.edit(me, req.param("id"), req.param("commentId"),
                                             comment_body(body))));
             },
             {kBodyLimit, "api", ""});

  router.add(Method::Delete, base + "/{commentId}", [&service](Request& req) {
    auto me = require_principal(req);
    service.remove(me, req.param("id"), req.param("commentId"));
    return Response::no_content();
  });

  router.add(Method::Post, base + "/{commentId}/replies",
             [&service](Request& req) {
               auto me = require_principal(req);
               auto body = ji::parse_object(req.body);
               ji::reject_unknown_fields(body, {"body"});
               return Response::json(
                   201, to_json(service.reply(me, req.param("id"), req.param("commentId"),
                                              comment_body(body))));
             },
             {kBodyLimit, "api", ""});

  for (bool resolved : {true, false}) {
    router.add(Method::Post, base + "/{commentId}/" + (resolved ? "resolve" : "reopen"),
               [&service, resolved](Request& req) {
                 auto me = require_principal(req);
                 return Response::json(
                     200, to_json(service.set_resolved(me, req.param("id"), req.param("commentId"),
                                                       resolved)));
               });
  }
}

}  // namespace od::comments
