#include "projects/api.h"

#include <charconv>

#include "auth/request_auth.h"
#include "core/error.h"
#include "core/json_input.h"
#include "core/pagination.h"

namespace od::projects {
namespace {

using auth::optional_principal;
using auth::require_principal;
using http::Method;
using http::Request;
using http::Response;
namespace ji = json_input;

constexpr size_t kProjectBodyLimit = 8 * 1024 * 1024;
constexpr size_t kSmallBodyLimit = 16 * 1024;

ProjectInput parse_input(const std::string& body_text, bool creating) {
  auto body = ji::parse_object(body_text);
  std::vector<std::string> allowed = {"title", "description", "isPublic", "isTemplate",
                                      "tags",  "designJson",  "code"};
  allowed.push_back(creating ? "fromTemplate" : "expectedRevision");
  ji::reject_unknown_fields(body, allowed);
  ProjectInput in;
  in.title = ji::string_field(body, "title", creating && !body.contains("fromTemplate"), 1, 200);
  in.description = ji::string_field(body, "description", false, 0, 5000);
  in.is_public = ji::bool_field(body, "isPublic", false);
  in.is_template = ji::bool_field(body, "isTemplate", false);
  in.tags = ji::string_array_field(body, "tags", 20, 40);
  if (body.contains("designJson") && !body["designJson"].is_null()) {
    in.design = body["designJson"];
  }
  if (body.contains("code") && !body["code"].is_null()) {
    const auto& code = body["code"];
    if (!code.is_object()) {
      throw validation_error("Field 'code' must be an object.", {{"field", "/code"}});
    }
    ji::reject_unknown_fields(code, {"html", "css", "js", "framework"});
    for (const char* key : {"html", "css", "js"}) {
      if (code.contains(key) && !code[key].is_string()) {
        throw validation_error(std::string("Field 'code.") + key + "' must be a string.",
                               {{"field", std::string("/code/") + key}});
      }
    }
    std::string framework = code.value("framework", "plain");
    if (framework != "react" && framework != "vue" && framework != "plain") {
      throw validation_error("Field 'code.framework' must be react, vue or plain.",
                             {{"field", "/code/framework"}});
    }
    in.code = code;
    (*in.code)["framework"] = framework;
  }
  if (creating) {
    in.from_template = ji::string_field(body, "fromTemplate", false, 1, 64);
  } else {
    in.expected_revision = ji::int_field(body, "expectedRevision", false, 1, INT64_MAX);
  }
  return in;
}

int64_t version_number(const Request& req) {
  const std::string& text = req.param("number");
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n < 1) throw not_found("version");
  return n;
}

Response visible_json(int status, const Visible& v) {
  return Response::json(status, to_json(v.project, v.access));
}

}  // namespace

void register_routes(http::Router& router, ProjectsService& service) {
  router.add(Method::Post, "/api/v1/projects",
             [&service](Request& req) {
               auto me = require_principal(req);
               return visible_json(201, service.create(me, parse_input(req.body, true)));
             },
             {kProjectBodyLimit, "api", ""});

  router.add(Method::Get, "/api/v1/projects", [&service](Request& req) {
    auto me = optional_principal(req);
    PageRequest page = parse_page(req.query("limit"), req.query("cursor"));
    ListFilter filter;
    filter.scope = req.query("scope").value_or(me ? "mine" : "public");
    if (filter.scope != "mine" && filter.scope != "public" && filter.scope != "all") {
      throw validation_error("scope must be mine, public or all", {{"field", "scope"}});
    }
    filter.owner_id = req.query("owner").value_or("");
    if (filter.owner_id == "me") filter.owner_id = me ? me->user_id : "";
    filter.tag = req.query("tag").value_or("");
    filter.text = req.query("q").value_or("");
    if (filter.owner_id.size() > 64 || filter.tag.size() > 40 || filter.text.size() > 200) {
      throw validation_error("owner, tag or q is too long");
    }
    if (auto t = req.query("template")) filter.template_flag = *t == "true" ? 1 : 0;
    filter.before_id = page.after;
    filter.limit = page.limit;
    auto found = service.list(me, filter);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& v : found) items.push_back(to_json(v.project, v.access, false));
    return Response::json(
        200, page_json(items, found.empty() ? "" : found.back().project.id, page.limit));
  });

  router.add(Method::Get, "/api/v1/projects/{id}", [&service](Request& req) {
    return visible_json(200, service.get(optional_principal(req), req.param("id")));
  });

  router.add(Method::Patch, "/api/v1/projects/{id}",
             [&service](Request& req) {
               auto me = require_principal(req);
               return visible_json(
                   200, service.update(me, req.param("id"), parse_input(req.body, false)));
             },
             {kProjectBodyLimit, "api", ""});

  router.add(Method::Delete, "/api/v1/projects/{id}", [&service](Request& req) {
    service.remove(require_principal(req), req.param("id"));
    return Response::no_content();
  });

  router.add(Method::Get, "/api/v1/projects/{id}/members", [&service](Request& req) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& m : service.members(optional_principal(req), req.param("id"))) {
      items.push_back(to_json(m));
    }
    return Response::json(200, {{"items", items}});
  });

  router.add(Method::Post, "/api/v1/projects/{id}/members",
             [&service](Request& req) {
               auto me = require_principal(req);
               auto body = ji::parse_object(req.body);
               ji::reject_unknown_fields(body, {"userId", "email", "role"});
               auto user = ji::string_field(body, "userId", false, 1, 64);
               if (!user) user = ji::string_field(body, "email", true, 3, 254);
               auto role = ji::string_field(body, "role", true, 1, 20);
               return Response::json(
                   201, to_json(service.add_member(me, req.param("id"), *user, *role)));
             },
             {kSmallBodyLimit, "api", ""});

  router.add(Method::Patch, "/api/v1/projects/{id}/members/{userId}",
             [&service](Request& req) {
               auto me = require_principal(req);
               auto body = ji::parse_object(req.body);
               ji::reject_unknown_fields(body, {"role"});
               auto role = ji::string_field(body, "role", true, 1, 20);
               return Response::json(200, to_json(service.add_member(me, req.param("id"),
                                                                     req.param("userId"), *role)));
             },
             {kSmallBodyLimit, "api", ""});

  router.add(Method::Delete, "/api/v1/projects/{id}/members/{userId}", [&service](Request& req) {
    service.remove_member(require_principal(req), req.param("id"), req.param("userId"));
    return Response::no_content();
  });

  router.add(Method::Post, "/api/v1/projects/{id}/transfer",
             [&service](Request& req) {
               auto me = require_principal(req);
               auto body = ji::parse_object(req.body);
               ji::reject_unknown_fields(body, {"userId"});
               auto user = ji::string_field(body, "userId", true, 1, 64);
               return visible_json(200, service.transfer(me, req.param("id"), *user));
             },
             {kSmallBodyLimit, "api", ""});

  router.add(Method::Get, "/api/v1/projects/{id}/versions", [&service](Request& req) {
    PageRequest page = parse_page(req.query("limit"), req.query("cursor"));
    int64_t before = INT64_MAX;
    if (!page.after.empty()) {
      auto [end, ec] =
          std::from_chars(page.after.data(), page.after.data() + page.after.size(), before);
      if (ec != std::errc()) throw validation_error("cursor is not valid", {{"field", "cursor"}});
    }
    auto found = service.versions(optional_principal(req), req.param("id"), before, page.limit);
    nlohmann::json items = nlohmann::json::array();
    for (const auto& v : found) items.push_back(to_json(v, false));
    return Response::json(
        200,
        page_json(items, found.empty() ? "" : std::to_string(found.back().number), page.limit));
  });

  router.add(Method::Post, "/api/v1/projects/{id}/versions",
             [&service](Request& req) {
               auto me = require_principal(req);
               auto body = req.body.empty() ? nlohmann::json::object() : ji::parse_object(req.body);
               ji::reject_unknown_fields(body, {"label"});
               auto label = ji::string_field(body, "label", false, 0, 200);
               return Response::json(
                   201, to_json(service.snapshot(me, req.param("id"), label.value_or("")), false));
             },
             {kSmallBodyLimit, "api", ""});

  router.add(Method::Get, "/api/v1/projects/{id}/versions/{number}", [&service](Request& req) {
    return Response::json(
        200, to_json(service.version(optional_principal(req), req.param("id"), version_number(req)),
                     true));
  });

  router.add(Method::Get, "/api/v1/projects/{id}/versions/{number}/diff", [&service](Request& req) {
    int64_t against = 0;
    if (auto text = req.query("against"); text && *text != "current") {
      auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), against);
      if (ec != std::errc() || end != text->data() + text->size() || against < 1) {
        throw validation_error("against must be a version number or 'current'",
                               {{"field", "against"}});
      }
    }
    return Response::json(
        200, service.diff(optional_principal(req), req.param("id"), version_number(req), against));
  });

  router.add(Method::Post, "/api/v1/projects/{id}/versions/{number}/restore",
             [&service](Request& req) {
               auto me = require_principal(req);
               return visible_json(200, service.restore(me, req.param("id"), version_number(req)));
             });
}

}  // namespace od::projects
