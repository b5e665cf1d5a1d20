#include "app/gdpr_api.h"

#include "app/gdpr.h"
#include "auth/request_auth.h"
#include "core/error.h"
#include "core/json_input.h"
#include "projects/archive_api.h"

namespace od::app {
namespace {

namespace ji = json_input;
using http::Method;
using http::Request;
using http::Response;

constexpr size_t kSmallBodyLimit = 16 * 1024;

}  // namespace

void register_gdpr_routes(http::Router& router, UserDataModules modules) {
  router.add(Method::Get, "/api/v1/me/export", [modules](Request& req) {
    auth::Principal me = auth::require_principal(req);
    std::string format = req.query("format").value_or("json");
    if (format == "zip") {
      auto zip = std::make_shared<projects::StreamedZip>(export_user_zip(modules, me));
      return projects::zip_download(std::move(zip), "opendesign-data-" + me.user_id + ".zip");
    }
    if (format != "json") {
      throw validation_error("format must be json or zip", {{"field", "format"}});
    }
    Response response = Response::json(200, export_user_data(modules, me));
    response.headers.set("Content-Disposition",
                         "attachment; filename=\"opendesign-data-" + me.user_id + ".json\"");
    return response;
  });

  // Re-authentication is a password guess, so this route shares the login rate limit.
  router.add(Method::Delete, "/api/v1/me",
             [modules](Request& req) {
               auth::Principal me = auth::require_principal(req);
               auto body = req.body.empty() ? nlohmann::json::object() : ji::parse_object(req.body);
               ji::reject_unknown_fields(body, {"password"});
               auto password = ji::string_field(body, "password", false, 0, 1024);
               erase_user(modules, me, password.value_or(""), req.remote_ip);
               return Response::no_content();
             },
             {kSmallBodyLimit, "login", ""});
}

}  // namespace od::app
